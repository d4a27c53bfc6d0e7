"""Malformed ids, dates, redirect targets and bodies get a 4xx or a sensible page, never a 500 (issue 14)."""

import socket
from decimal import Decimal

import pytest

from blueprints.questionnaires.answering import AnswerRejected, parse_form_value
from blueprints.questionnaires.definition import Item
from core.access import safe_next_url
from core.ids import MAX_ID, parse_id
from core.timeutil import FIRST_DAY, LAST_DAY, parse_day
from tests.support.booking import book
from tests.support.helpers import make_staff, next_code, sign_in
from tests.support.live import GunicornServer

BEYOND_POSTGRES = 2**31
BEYOND_SQLITE = 2**63


@pytest.mark.parametrize("path", ["/activities/{}", "/activities/dates/{}"])
@pytest.mark.parametrize("number", [BEYOND_POSTGRES, BEYOND_SQLITE, 0])
def test_ids_beyond_what_the_database_holds_are_not_found(client, db, path, number):
    response = client.get(path.format(number))
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", [BEYOND_POSTGRES, BEYOND_SQLITE])
def test_staff_routes_refuse_huge_ids_too(app, client, db, world, number):
    sign_in(client, app, world.professional)
    assert client.get(f"/staff/activities/dates/{number}").status_code == 404
    assert client.submit(f"/staff/appointments/{number}/cancel", token_from="/staff/").status_code == 404
    assert client.get(f"/staff/agenda?professional={number}").status_code == 200


def test_an_id_reads_only_within_both_databases_range():
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID
    for value in ("0", "-1", str(MAX_ID + 1), str(BEYOND_SQLITE), "1.5", "x", "9" * 5000, None):
        with pytest.raises(ValueError):
            parse_id(value)


def test_a_day_is_clamped_to_the_range_and_nonsense_is_no_day():
    assert parse_day("9999-12-31") == LAST_DAY
    assert parse_day("0001-01-01") == FIRST_DAY
    assert parse_day("2026-06-15").isoformat() == "2026-06-15"
    assert parse_day("2026-02-30") is None and parse_day("") is None and parse_day(None) is None


@pytest.mark.parametrize("week", ["9999-12-31", "9999-12-27", "0001-01-01"])
def test_far_weeks_show_a_times_page(client, db, world, week):
    assert client.get(f"/activities/?week={week}").status_code == 200
    assert client.get(f"/activities/?week={week}&view=week").status_code == 200
    assert client.get(f"/book/{world.service_slug}?week={week}").status_code == 200


def test_far_weeks_on_the_move_page_and_far_days_in_the_agenda(app, client, db, world):
    manage = book(client, world).headers["Location"]
    assert client.get(manage + "/move?week=9999-12-31").status_code == 200
    sign_in(client, app, world.professional)
    for day in ("9999-12-31", "0001-01-01"):
        assert client.get(f"/staff/agenda?day={day}").status_code == 200
        assert client.get(f"/staff/agenda?day={day}&view=week").status_code == 200


def test_far_dates_in_the_audit_log_filter(app, client, db):
    sign_in(client, app, make_staff({"admin"}))
    assert client.get("/admin/audit?from=0001-01-01&until=9999-12-31").status_code == 200
    assert client.get("/admin/audit.csv?from=9999-12-31").status_code == 200
    assert client.get(f"/admin/audit?page={BEYOND_SQLITE}").status_code == 200


def test_a_far_date_typed_into_a_form_is_refused_with_a_message(app, client, db, world):
    sign_in(client, app, world.professional)
    response = client.submit(
        "/staff/agenda/block",
        {"professional": str(world.professional.id), "day": "9999-12-31", "whole_day": "y"},
        token_from="/staff/agenda/block",
    )
    assert response.status_code == 422
    assert "Ange ett datum mellan 1900 och 2100." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["/staff/\n", "/staff/\r\nSet-Cookie: x=1", "/\t/evil.example", "/\x00", "/staff/\x7f"]
)
def test_control_characters_make_a_redirect_target_unsafe(target):
    assert safe_next_url(target) is None
    assert safe_next_url("/staff/agenda?day=2026-06-15") == "/staff/agenda?day=2026-06-15"


def test_a_line_break_in_next_at_sign_in_is_refused_before_signing_in(app, client, db):
    login = make_staff()
    response = client.submit(
        "/staff/sign-in?next=/staff/%0AX",
        {"email": login.email, "password": login.password},
        token_from="/staff/sign-in",
    )
    assert response.status_code == 302
    response = client.submit(
        response.headers["Location"], {"code": next_code(app, login)}, token_from="/staff/sign-in/code"
    )
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_a_line_break_in_next_of_the_language_switch_and_keep_alive(app, client, db):
    response = client.get("/language/fi?next=/%0D%0ASet-Cookie:%20x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    sign_in(client, app, make_staff())
    response = client.submit("/staff/session/keep-alive", {"next": "/staff/\nX"}, token_from="/staff/")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


@pytest.fixture
def single_worker(database_url, tmp_path, db):
    running = GunicornServer(database_url, tmp_path / "outbox", workers=1)
    yield running
    running.stop()


def raw_request(port: int, request: bytes) -> bytes:
    """Send ``request`` as is and return the whole answer; the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("chunk", [b"zz\r\nabc\r\n0\r\n\r\n", b"-5\r\nabc\r\n0\r\n\r\n", b"5\r\nab"])
def test_a_malformed_chunked_body_is_a_bad_request_on_a_real_server(single_worker, chunk):
    answer = raw_request(
        single_worker.port,
        (
            b"POST /staff/sign-in HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk
        ),
    )
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"400", status_line
    assert "Begäran kunde inte behandlas".encode() in rest


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "-inf", "1e999999999", "1e-999999999"])
def test_a_number_answer_that_is_no_ones_is_refused_at_once(typed):
    item = Item(id="weight", type="number", text={"sv": "Vikt"})
    with pytest.raises(AnswerRejected) as refused:
        parse_form_value(item, [typed])
    assert refused.value.reason == "not_a_number"
    assert parse_form_value(item, ["3,5"]) == Decimal("3.5") and parse_form_value(item, ["12"]) == 12


def test_a_nul_character_anywhere_in_the_request_is_a_bad_request(app, client, db, world):
    # PostgreSQL cannot compare text holding NUL, so it must never reach a query.
    assert client.get("/book/%00/details").status_code == 400
    assert client.get(f"/book/{world.service_slug}?centre=%00").status_code == 400
    response = client.submit(
        "/staff/sign-in", {"email": "a\x00@example.fi", "password": "x"}, token_from="/staff/sign-in"
    )
    assert response.status_code == 400
    assert "Begäran kunde inte behandlas" in response.get_data(as_text=True)
