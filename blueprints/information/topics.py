"""The fixed topics and audiences of information pages, and the child ages they may be written for.

The codes are stored; the names are translated when shown, so adding a language
never touches the articles. A new topic needs a code here and its translations.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

# In the order the filters and the administrator's form offer them.
TOPICS = {
    "sleep": _l("Sleep"),
    "feeding": _l("Food and eating"),
    "behaviour": _l("Behaviour and feelings"),
    "family_life": _l("Family life"),
    "health": _l("Health"),
    "development": _l("Growth and development"),
    "relationships": _l("Relationships"),
    "media": _l("Screens and media"),
    "services": _l("Services and support"),
}

AUDIENCES = {
    "families": _l("Families"),
    "young": _l("Young people"),
    "professionals": _l("Professionals"),
}

# Ages in whole years: 0 is a baby, 18 is the last year the family centre serves.
YOUNGEST, OLDEST = 0, 18


def topic_name(code: str) -> str:
    """The translated name of a topic (the code itself for one no longer offered)."""
    return str(TOPICS.get(code, code))


def audience_names(codes: tuple[str, ...]) -> list[str]:
    """The translated names of the audiences, in the fixed order."""
    return [str(name) for code, name in AUDIENCES.items() if code in codes]


def age_range(age_from: int | None, age_to: int | None) -> str:
    """The children's ages an article is about, in words ("3–6 years"); empty for any age."""
    if age_from is not None and age_to is not None:
        if age_from == age_to:
            return _("Under 1 year") if age_from == 0 else ngettext("%(num)d year", "%(num)d years", age_from)
        return _("%(low)d–%(high)d years", low=age_from, high=age_to)
    if age_from is not None:
        return _("%(low)d years and older", low=age_from)
    if age_to is not None:
        return _("Up to %(high)d years", high=age_to)
    return ""
