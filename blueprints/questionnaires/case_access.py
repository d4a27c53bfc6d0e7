"""Reading a child's questionnaires: on what basis the professional may, and which responses can be read.

Every page (and PDF) that shows a child's data asks ``basis_or_refuse`` first
and writes the basis it returns into the audit log.
"""

from __future__ import annotations

from flask import abort

from core.access import current_staff
from extensions import db

from ..audit.log import refuse
from . import invitations
from .models import Child, Response


def basis_or_refuse(child: Child, subject: str | None = None) -> str:
    """Why the reader may see the child's data, for the audit log; a refused attempt is logged, then 403."""
    basis = invitations.access_basis(current_staff(), child)
    if basis is None:
        refuse(current_staff(), child.id, subject or f"child:{child.id}", "no part in the child's case")
    return basis


def sent_response_or_404(response_id: int) -> Response:
    """A sent response to a child's questionnaire (not an anonymous one), or 404."""
    response = db.session.get(Response, response_id)
    if response is None or response.visit is None or response.submitted_at is None:
        abort(404)
    return response
