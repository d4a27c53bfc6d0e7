"""A professional downloads the PDF summary of a response from the results page."""

import subprocess

from tests.support.browser import sign_in_staff
from tests.support.questionnaires import sent_response

TITLES = {"sv": ("PDF Svenska", "Fyraårsgranskningen: Elsa"), "fi": ("PDF Suomi", "Neljävuotistarkastus: Elsa")}


def test_the_professional_downloads_a_summary(ui, db, family_centre, language, tmp_path):
    response = sent_response(db, family_centre)
    sign_in_staff(ui, family_centre["nurse"])
    ui.goto(f"/staff/questionnaires/responses/{response.id}")
    link_text, title = TITLES[language]
    with ui.page.expect_download() as downloading:
        ui.page.get_by_role("link", name=link_text).first.click()
    download = downloading.value
    assert download.suggested_filename.startswith("famnen-fyraarsgranskningen-elsa-")
    path = tmp_path / "summary.pdf"
    download.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert title in text
