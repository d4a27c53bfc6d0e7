"""Which activities a staff member may manage.

Administrators manage every activity. Reception manages the activities of the
family centres it belongs to (as with bookings, see booking.permissions).
Professionals manage the activities they lead; a professional who creates an
activity leads it. Managing covers the activity's settings, its dates, the
participant lists, attendance, messages and figures.
"""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from ..auth.models import User
from ..booking.permissions import centre_ids
from ..organisation.models import Centre, active_centres
from .models import Activity, activity_leader

# The audit log's basis of a refused participant list or registration.
REFUSED = "does not manage the activity"


def can_manage(user: User, activity: Activity) -> bool:
    """Whether ``user`` may manage ``activity``."""
    if user.has_role("admin"):
        return True
    if user.has_role("professional") and any(leader.id == user.id for leader in activity.leaders):
        return True
    return user.has_role("reception") and activity.centre_id is not None and activity.centre_id in centre_ids(user)


def manageable(user: User) -> Select:
    """A query of the activities ``user`` may manage."""
    query = select(Activity)
    if user.has_role("admin"):
        return query
    conditions = [false()]
    if user.has_role("professional"):
        conditions.append(
            Activity.id.in_(select(activity_leader.c.activity_id).where(activity_leader.c.user_id == user.id))
        )
    if user.has_role("reception") and centre_ids(user):
        conditions.append(Activity.centre_id.in_(centre_ids(user)))
    return query.where(or_(*conditions))


def centres_for(user: User) -> tuple[list[Centre], bool]:
    """The centres ``user`` may make responsible for an activity, and whether "no centre" is allowed.

    Reception works for its own centres, so its activities belong to one of them.
    """
    centres = active_centres()
    if user.has_role("admin") or user.has_role("professional"):
        return centres, True
    own = centre_ids(user)
    return [centre for centre in centres if centre.id in own], False


def access_basis(user: User, activity: Activity) -> str:
    """Why ``user`` may see the activity's participants, for the audit log (``can_manage`` has said yes)."""
    if user.has_role("professional") and any(leader.id == user.id for leader in activity.leaders):
        return "leads the activity"
    if user.has_role("admin"):
        return "administrator"
    return "reception at the family centre"
