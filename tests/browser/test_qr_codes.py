"""Every QR code Famnen shows scans: each is screenshotted as Chromium draws it and decoded.

The authenticator enrolment, an invitation's page and the printed handout each carry a code;
a code drawn without a viewBox was cropped by its CSS box to its top-left part and could not
be read, so the test decodes what a phone camera would see, not the markup.
"""

from __future__ import annotations

import io

import pyotp
import zxingcpp
from PIL import Image

from blueprints.auth.models import User
from blueprints.questionnaires import invitations
from blueprints.questionnaires.models import Child
from core.timeutil import utcnow
from tests.support.browser import enter_password, sign_in_staff
from tests.support.helpers import make_staff


def decoded_qr_code(ui) -> str:
    """The text of the one QR code on the page, read from a screenshot of it as displayed."""
    figure = ui.page.locator(".qr-code")
    picture = Image.open(io.BytesIO(figure.screenshot())).convert("L")
    [barcode] = zxingcpp.read_barcodes(picture)
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    return barcode.text


def test_the_authenticator_code_scans(ui, app, db, language):
    login = make_staff(name="Sara Nyström", enrolled=False)
    enter_password(ui, login)
    secret = ui.page.locator(".secret-key code").inner_text().replace(" ", "")
    totp = pyotp.parse_uri(decoded_qr_code(ui))
    assert (totp.secret, totp.name, totp.issuer.split(" ")[0]) == (secret, login.email, "Famnen")


def test_the_invitation_and_handout_codes_scan(ui, app, db, family_centre, language):
    nurse = db.session.get(User, family_centre["nurse"].id)
    child = db.session.get(Child, family_centre["child_id"])
    visit = invitations.invite(child, nurse, ["fyraarsgranskningen"], language, utcnow(), 30)
    db.session.commit()
    family_link = f"http://localhost/q/{invitations.visit_token(visit)}"  # BASE_URL of the tests
    sign_in_staff(ui, family_centre["nurse"])
    for path in (f"/staff/questionnaires/visits/{visit.id}", f"/staff/questionnaires/visits/{visit.id}/handout"):
        ui.goto(path)
        assert decoded_qr_code(ui) == family_link, path
    # On a phone the code shrinks with the screen and still scans.
    ui.page.set_viewport_size({"width": 320, "height": 640})
    ui.goto(f"/staff/questionnaires/visits/{visit.id}")
    assert decoded_qr_code(ui) == family_link
