"""PDF summaries: content in the chosen language, tagged PDF, safe rendering, downloads, access and audit."""

import http.server
import re
import shutil
import subprocess
import tempfile
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from blueprints.activities.models import Registration
from blueprints.audit.models import AuditEntry
from blueprints.auth.models import User
from blueprints.booking.models import Appointment, AppointmentStatus
from blueprints.organisation.models import Centre
from blueprints.questionnaires import results
from blueprints.questionnaires.models import Child
from blueprints.reports.downloads import page_counter_css
from blueprints.reports.pdf import StaticOnlyFetcher
from core.timeutil import to_local, utcnow
from tests.support.activities_factories import make_activity, make_date, make_registration
from tests.support.booking import book
from tests.support.config import unavailable
from tests.support.helpers import make_staff, sign_in
from tests.support.questionnaires import OFFER_ANSWERS, make_visit, sent_response

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def poppler():
    if not shutil.which("pdftotext") or not shutil.which("pdfinfo") or not shutil.which("pdftoppm"):
        unavailable("The PDF tests need poppler-utils (pdftotext, pdfinfo, pdftoppm); run `make test`.")


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_info(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    output = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in output.splitlines())}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sv",
            [
                "Fyraårsgranskningen: Elsa",
                "Sara Nyström",
                "14 / 14",
                "Över gränsvärdet",
                "Vid eller över gränsvärdet (7)",
                "Erbjudande om föräldraträning med coach",
                "Belastar ditt barns beteende familjens vardag?",
                "Sekretessbelagd / Salassa pidettävä",
                "Sida 1 av",
            ],
        ),
        (
            "fi",
            [
                "Neljävuotistarkastus: Elsa",
                "Raja-arvon yläpuolella",
                "Tarjous valmentajan tukemasta vanhemmuusohjelmasta",
                "Kuormittaako lapsesi käytös perheenne arkea?",
                "Sivu 1/",
            ],
        ),
    ],
)
def test_the_response_summary_holds_the_result_in_the_chosen_language(
    nurse_client, db, family_centre, tmp_path, language, expected
):
    response = sent_response(db, family_centre, notes="Vi pratade om vardagen.")
    download = nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang={language}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="famnen-fyraarsgranskningen-elsa-')
    assert download.headers["Cache-Control"] == "no-store"
    text = pdf_text(download.data, tmp_path)
    for phrase in expected:
        assert phrase in text, phrase
    assert "Vi pratade om vardagen." in text
    info = pdf_info(download.data, tmp_path)
    assert info["Tagged"] == "yes" and info["Author"] == "Sara Nyström" and int(info["Pages"]) >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / "page.pdf").write_bytes(download.data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "page.pdf"),
            str(ARTIFACTS / f"response-summary-{language}"),
        ],
        check=True,
    )
    assert list(ARTIFACTS.glob(f"response-summary-{language}*.png"))


@pytest.mark.parametrize(
    ("language", "localized"),
    [
        ("sv", ("Källa och licens", "Det ingående PSC-17 får fritt återges.", "Famnens egna frågor har ingen")),
        ("fi", ("Lähde ja lisenssi", "Mukana olevan PSC-17:n saa jäljentää vapaasti.", "Famnenin omilla kysymyksillä")),
    ],
)
def test_the_source_and_licence_are_in_the_readers_language(
    nurse_client, db, family_centre, tmp_path, language, localized
):
    db.session.get(Child, family_centre["child_id"]).first_name = "Noa O'Brien & Co"
    response = sent_response(db, family_centre)
    pdf = nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang={language}").data
    text = " ".join(pdf_text(pdf, tmp_path).split())  # lines joined, as a sentence may wrap
    for phrase in localized:
        assert phrase in text, phrase
    english = (
        "Source and licence",
        "may be freely reproduced",
        "Famnen's own",
        "translation",
        "Public domain",
        ".yaml",
    )
    for phrase in english:
        assert phrase not in text, phrase
    assert "&#39;" not in text and "&amp;" not in text
    page = nurse_client.get(f"/staff/questionnaires/responses/{response.id}")  # the result page in Swedish
    assert "Det ingående PSC-17 får fritt återges." in page.get_data(as_text=True)


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_a_name_with_an_apostrophe_and_ampersand_prints_as_written(nurse_client, db, family_centre, tmp_path, language):
    db.session.get(Child, family_centre["child_id"]).first_name = "Noa O'Brien & Co"
    response = sent_response(db, family_centre)
    download = nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang={language}").data
    header = pdf_text(download, tmp_path).splitlines()[0]  # the running header of page 1
    assert "Noa O'Brien & Co" in header
    assert "&#39;" not in header and "&amp;" not in header and "\\" not in header
    born = {"sv": "f.", "fi": "s."}[language]
    assert pdf_info(download, tmp_path)["Title"].endswith(f"Noa O'Brien & Co ({born} 15.9.2022)")


@pytest.mark.parametrize(("language", "swedish"), [("sv", "(svenska"), ("fi", "(ruotsi"), ("en", "(Swedish")])
def test_the_language_of_the_answer_is_named_in_the_readers_language(
    nurse_client, db, family_centre, tmp_path, language, swedish
):
    response = sent_response(db, family_centre)  # answered in Swedish
    text = pdf_text(nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang={language}").data, tmp_path)
    assert swedish in text and "Svenska" not in text


def test_flags_come_first(nurse_client, db, family_centre, tmp_path):
    answers = {f"phq{n}": "several_days" for n in range(1, 10)} | {"phq_difficulty": "somewhat_difficult"}
    response = sent_response(db, family_centre, "phq9", answers)
    text = pdf_text(nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang=sv").data, tmp_path)
    assert text.index("Behöver uppmärksamhet nu") < text.index("Poäng")


class CountingHandler(http.server.BaseHTTPRequestHandler):
    """Counts requests, so a test can prove nothing was fetched."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"x")

    def log_message(self, *args):
        pass


def test_answers_that_look_like_html_or_css_are_printed_as_text_and_fetch_nothing(
    nurse_client, db, family_centre, tmp_path
):
    server = http.server.HTTPServer(("127.0.0.1", 0), CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    tricks = (
        f'<img src="http://127.0.0.1:{port}/img"> file:///etc/passwd '
        f"</style><style>@import url(http://127.0.0.1:{port}/css); "
        "body { background: url(file:///etc/passwd) }</style>"
    )
    try:
        response = sent_response(
            db,
            family_centre,
            answers={**OFFER_ANSWERS, "anything_else": tricks},
            notes=f'<link rel="stylesheet" href="http://127.0.0.1:{port}/notes">',
        )
        before = set(Path(tempfile.gettempdir()).iterdir())
        download = nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang=sv")
        assert download.status_code == 200
        text = " ".join(pdf_text(download.data, tmp_path).split())
        assert (
            f'<img src="http://127.0.0.1:{port}/img">' in text
            and "file:///etc/passwd" in text
            and "@import url(" in text
        )
        assert f'<link rel="stylesheet" href="http://127.0.0.1:{port}/notes">' in text
        assert "root:x:0:0" not in text
        assert CountingHandler.requests == []
        assert {p for p in set(Path(tempfile.gettempdir()).iterdir()) - before if "weasy" in p.name.lower()} == set()
    finally:
        server.shutdown()


def test_the_fetcher_serves_only_static_files(tmp_path):
    fetcher = StaticOnlyFetcher()
    static_css = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"
    assert fetcher.fetch(static_css.as_uri()).status == 200
    for refused in (
        "http://127.0.0.1:9/x",
        "https://example.com/a.png",
        "file:///etc/passwd",
        static_css.as_uri().replace("report.css", "../../app.py"),
        "data:text/plain,hi",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
    assert len(fetcher.refused) == 5


def test_the_page_counter_follows_the_translation():
    assert page_counter_css("Sida %(page)s av %(pages)s") == '"Sida " counter(page) " av " counter(pages)'
    assert page_counter_css("Sivu %(page)s/%(pages)s") == '"Sivu " counter(page) "/" counter(pages)'


def test_downloads_are_logged_and_only_the_case_may_download(app, client, db, family_centre, nurse_client):
    response = sent_response(db, family_centre)
    url = f"/staff/reports/responses/{response.id}.pdf"
    nurse_client.get(url)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "download"))
    assert entry.subject == f"response:{response.id}" and entry.actor_name == "Sara Nyström"
    for roles, email in (({"reception"}, "desk@famnen.example"), ({"professional"}, "other@famnen.example")):
        outsider = app.test_client()
        outsider.html_checker = client.html_checker
        login = make_staff(roles, email=email, name=email)
        sign_in(outsider, app, login)
        assert outsider.get(url).status_code == 403
        assert outsider.get(f"/staff/reports/children/{family_centre['child_id']}.pdf").status_code == 403
        denied = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == login.id)).all()
        assert [e.action for e in denied] == ["denied", "denied"]


def test_the_child_summary_shows_the_trend_and_attended_appointments(nurse_client, db, family_centre, tmp_path):
    earlier = sent_response(db, family_centre, "psc17", {f"psc{n}": "often" for n in range(1, 18)})
    earlier.submitted_at = utcnow() - timedelta(days=365)  # not .replace(year=…), which fails on 29 February
    db.session.commit()
    sent_response(db, family_centre)
    child = db.session.get(Child, family_centre["child_id"])
    appointment = Appointment(
        service_id=family_centre["world"].service_id,
        professional_id=family_centre["nurse"].id,
        centre_id=family_centre["world"].centre_id,
        mode="in_person",
        starts_at=utcnow().replace(microsecond=0),
        ends_at=utcnow().replace(microsecond=0) + timedelta(minutes=45),
        status=AppointmentStatus.ATTENDED,
        guardian_name="Anna",
        language="sv",
        reference="ref-child-summary",
        child_id=child.id,
    )
    coach_call = Appointment(
        **{
            column: getattr(appointment, column)
            for column in ("service_id", "centre_id", "mode", "status", "guardian_name", "language", "child_id")
        },
        professional_id=family_centre["coach"].id,
        starts_at=appointment.starts_at - timedelta(days=7),
        ends_at=appointment.ends_at - timedelta(days=7),
        reference="ref-child-summary-coach",
    )
    db.session.add_all([appointment, coach_call])
    db.session.commit()
    download = nurse_client.get(f"/staff/reports/children/{child.id}.pdf?lang=sv")
    text = pdf_text(download.data, tmp_path)
    assert "Sammanfattning för nätverksmötet: Elsa" in text
    # Who has worked with the child: the case's nurse, then the coach of an attended call, each once.
    involved = text.split("Yrkespersoner som deltar", 1)[1].split("Besök som", 1)[0]
    assert involved.count("Sara Nyström") == 1 and involved.count("Katja Lehtonen") == 1
    assert "sjunkande" in text  # the PSC-17 total fell from the earlier response to the package's
    assert "Barnrådgivning" in text  # the appointment attended
    # The PSC-17 on its own and inside the package count as one instrument; the result page's link counts answers.
    assert len(results.history(child, "sv")) == 1 and results.responses_sent(child) == 2
    assert pdf_info(download.data, tmp_path)["Tagged"] == "yes"


@pytest.mark.parametrize(("language", "this_one"), [("sv", "Detta svar"), ("fi", "Tämä vastaus")])
def test_the_comparison_shows_only_earlier_answers_each_with_its_time(
    nurse_client, db, family_centre, tmp_path, language, this_one
):
    answers = {f"psc{n}": "often" for n in range(1, 18)}
    sent = {}
    for moment in ("2026-03-02 07:00", "2026-06-01 06:15", "2026-06-01 10:40", "2026-09-07 11:00"):  # UTC
        response = sent_response(db, family_centre, "psc17", answers)
        response.submitted_at = datetime.fromisoformat(moment + "+00:00")
        sent[moment] = response
    db.session.commit()
    text = pdf_text(
        nurse_client.get(f"/staff/reports/responses/{sent['2026-06-01 10:40'].id}.pdf?lang={language}").data, tmp_path
    )
    # Helsinki times: two answers on one day are told apart, and the later one is not shown.
    for shown in ("2.3.2026 9.00", "1.6.2026 9.15", "1.6.2026 13.40", this_one):
        assert shown in text, shown
    assert "7.9.2026" not in text
    page = nurse_client.get(f"/staff/questionnaires/responses/{sent['2026-03-02 07:00'].id}").get_data(as_text=True)
    assert re.search(r"\(4\)</a>", page)  # four answers about the child, whatever the instrument


def test_only_sent_responses_have_summaries(nurse_client, db, family_centre):
    visit = make_visit(db, family_centre)
    assert nurse_client.get(f"/staff/reports/responses/{visit.responses[0].id}.pdf").status_code == 404
    assert nurse_client.get("/staff/reports/children/999.pdf").status_code == 404


def test_linking_an_appointment_to_the_childs_case(nurse_client, app, client, db, family_centre):
    family_phone = app.test_client()
    family_phone.html_checker = client.html_checker
    book(family_phone, family_centre["world"])
    appointment = db.session.scalar(select(Appointment))
    day = to_local(appointment.starts_at).date().isoformat()
    agenda = nurse_client.get(f"/staff/agenda?day={day}").get_data(as_text=True)
    assert "Elsa (f. 15.9.2022)" in agenda
    nurse_client.submit(
        f"/staff/appointments/{appointment.id}/child",
        {"child": str(family_centre["child_id"])},
        token_from=f"/staff/agenda?day={day}",
    )
    assert db.session.get(Appointment, appointment.id).child_id == family_centre["child_id"]
    assert (
        nurse_client.submit(
            f"/staff/appointments/{appointment.id}/child", {"child": "999"}, token_from="/staff/agenda"
        ).status_code
        == 403
    )


def led_date_with_families(db, family_centre):
    """A parent group the nurse leads, begun half an hour ago, with one family with a place and one waiting."""
    nurse_user = db.session.get(User, family_centre["nurse"].id)
    activity = make_activity(family_centre["world"].centre_id, capacity=1, title_sv="Babycafé", title_fi="Vauvakahvila")
    activity.leaders.append(nurse_user)
    begun = make_date(activity, starts_in=timedelta(minutes=-30), topic_sv="Sömn och vila", topic_fi="Uni ja lepo")
    placed = make_registration(begun, name="Anna Lindholm", now=utcnow() - timedelta(days=1))
    waiting = make_registration(begun, name="Ville Waiting", now=utcnow() - timedelta(days=1))
    return begun, placed, waiting


def test_a_group_activity_visit_linked_to_the_childs_case_is_in_the_child_summary(
    nurse_client, db, family_centre, tmp_path
):
    begun, placed, waiting = led_date_with_families(db, family_centre)
    child_id = family_centre["child_id"]
    participants = nurse_client.get(f"/staff/activities/dates/{begun.id}").get_data(as_text=True)
    assert "Elsa (f. 15.9.2022)" in participants

    linked = nurse_client.submit(
        f"/staff/activities/registrations/{placed.id}/child",
        {"child": str(child_id)},
        token_from=f"/staff/activities/dates/{begun.id}",
        follow_redirects=True,
    )
    assert "Anna Lindholm: kopplad till ärendet för Elsa (f. 15.9.2022)." in linked.get_data(as_text=True)
    nurse_client.submit(
        f"/staff/activities/registrations/{placed.id}/attendance",
        {"attendance": "attended"},
        token_from=f"/staff/activities/dates/{begun.id}",
    )
    db.session.expire_all()
    assert db.session.get(Registration, placed.id).child_id == child_id
    assert (
        db.session.scalar(
            select(AuditEntry).where(AuditEntry.subject == f"registration:{placed.id}", AuditEntry.child_id == child_id)
        )
        is not None
    )

    text = pdf_text(nurse_client.get(f"/staff/reports/children/{child_id}.pdf?lang=fi").data, tmp_path)
    assert "Ryhmätoiminnot, joihin lapsi on osallistunut" in text and "Vauvakahvila" in text and "Uni ja lepo" in text

    # A family on the waiting list did not come, and someone else's child's case cannot be chosen.
    refused = nurse_client.submit(
        f"/staff/activities/registrations/{waiting.id}/child",
        {"child": str(child_id)},
        token_from=f"/staff/activities/dates/{begun.id}",
        follow_redirects=True,
    )
    assert "Endast en familj som har en plats kan kopplas till ett barns ärende." in refused.get_data(as_text=True)
    assert (
        nurse_client.submit(
            f"/staff/activities/registrations/{placed.id}/child",
            {"child": "999"},
            token_from=f"/staff/activities/dates/{begun.id}",
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).child_id is None


def test_a_visit_not_marked_as_attended_stays_out_of_the_child_summary(nurse_client, db, family_centre, tmp_path):
    begun, placed, _waiting = led_date_with_families(db, family_centre)
    row = nurse_client.submit(
        f"/staff/activities/registrations/{placed.id}/child",
        {"child": str(family_centre["child_id"])},
        token_from=f"/staff/activities/dates/{begun.id}",
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert (
        "<html" not in row
        and f'id="registration-{placed.id}"' in row
        and "kopplad till ärendet för Elsa (f. 15.9.2022)" in row
    )
    text = pdf_text(nurse_client.get(f"/staff/reports/children/{family_centre['child_id']}.pdf?lang=sv").data, tmp_path)
    assert "Babycafé" not in text
    assert "Inga deltaganden i gruppverksamheter är kopplade till barnet." in text


def test_reception_sees_no_child_cases_on_the_participant_list(app, client, db, family_centre):
    begun, _placed, _waiting = led_date_with_families(db, family_centre)
    reception = make_staff({"reception"}, email="pia@famnen.example", name="Pia Holmström")
    user = db.session.get(User, reception.id)
    user.centres = [db.session.get(Centre, family_centre["world"].centre_id)]
    db.session.commit()
    sign_in(client, app, reception)
    page = client.get(f"/staff/activities/dates/{begun.id}").get_data(as_text=True)
    assert "Anna Lindholm" in page and "Elsa (f. 15.9.2022)" not in page
