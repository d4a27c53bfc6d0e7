"""``GET /healthz`` for monitoring: 200 when the installation can serve, 503 when it cannot."""

from __future__ import annotations

from flask import Blueprint, jsonify

from core.access import public

from .health import check_health

bp = Blueprint("operations", __name__)


@bp.route("/healthz")
@public
def healthz():
    """A small JSON answer for monitoring; no session, cookie, language or personal data involved."""
    health = check_health()
    response = jsonify(health.as_json())
    response.status_code = 200 if health.healthy else 503
    return response
