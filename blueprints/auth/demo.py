"""Demo staff accounts for ``flask seed-demo``: one or more in each role."""

from __future__ import annotations

from . import accounts
from .models import User

# Shown by `make run`; demo data is refused in production.
DEMO_PASSWORD = "Famnen-demo-2026"

DEMO_STAFF = [
    ("helena.lindqvist@famnen.example", "Helena Lindqvist", {"admin"}),
    ("sara.nystrom@famnen.example", "Sara Nyström", {"professional"}),
    ("mikko.virtanen@famnen.example", "Mikko Virtanen", {"professional"}),
    ("johanna.korhonen@famnen.example", "Johanna Korhonen", {"professional"}),
    ("emil.sjoberg@famnen.example", "Emil Sjöberg", {"professional"}),
    ("liisa.makinen@famnen.example", "Liisa Mäkinen", {"professional", "admin"}),
    ("pia.holmstrom@famnen.example", "Pia Holmström", {"reception"}),
    ("katja.lehtonen@famnen.example", "Katja Lehtonen", {"professional"}),
]


def seed_staff() -> int:
    """Create the demo staff accounts that do not exist yet."""
    created = 0
    for email, name, roles in DEMO_STAFF:
        if User.by_email(email) is None:
            accounts.create_staff_user(email, name, DEMO_PASSWORD, roles, is_demo=True)
            created += 1
    return created
