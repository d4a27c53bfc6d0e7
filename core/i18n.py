"""Languages: choosing the user's language, and content stored in three languages.

A link Famnen sent (``?lang=sv``) opens in the language it was written in; then
the user's choice (a cookie set by the language switch); otherwise a
browser that asks for Swedish or Finnish gets it; otherwise the installation's
default language. Content such as a centre's name is stored in columns
``name_sv``, ``name_fi`` and ``name_en``; ``localized`` picks the right one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TypeVar

from babel.support import NullTranslations, Translations
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, get_translations
from flask_babel import lazy_gettext as _l

from config import LANGUAGES
from core.timeutil import to_local

T = TypeVar("T")

LANGUAGE_COOKIE = "famnen_lang"
# The names of the languages in themselves, for the language switch.
LANGUAGE_NAMES = {"sv": "Svenska", "fi": "Suomi", "en": "English"}
# The names of the languages in the reader's language, for running text ("answered in Swedish").
LANGUAGE_WORDS = {"sv": _l("Swedish"), "fi": _l("Finnish"), "en": _l("English")}
# Which language to fall back on when a text is missing in the chosen one.
FALLBACKS = {"sv": ("fi", "en"), "fi": ("sv", "en"), "en": ("sv", "fi")}


def select_locale() -> str:
    """Return the language for this request (Flask-Babel's locale selector)."""
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]  # commands and scheduled jobs
    # A link Famnen sent (an email, a text message) says the language it was written in.
    from_link = request.args.get("lang")
    if from_link in LANGUAGES:
        return from_link
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    # Only the national languages are taken from the browser: an English
    # browser in Finland more often belongs to a Finnish or Swedish speaker.
    from_browser = request.accept_languages.best_match(["sv", "fi"])
    return from_browser or current_app.config["DEFAULT_LANGUAGE"]


def _babel_state():
    """Flask-Babel's per-request state (locale, catalog), or None before it is made."""
    return g.get("_flask_babel") if has_app_context() else None


def _kept_per_locale(name: str, make: Callable[[], T]) -> T:
    """``make()``, kept in Flask-Babel's request state with the locale object it was made for.

    Keyed on the locale object, so ``force_locale`` (emails in the recipient's
    language) gets its own value and the request's own comes back after it.
    """
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, name, None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    value = make()
    state = _babel_state()
    if state is not None and getattr(state, "babel_locale", None) is not None:
        setattr(state, name, (state.babel_locale, value))
    return value


def catalog() -> Translations | NullTranslations:
    """The translations of the current locale, looked up once per request and locale.

    Flask-Babel's own ``get_translations`` walks its request state four times
    per call, and a page translates 30 to 120 strings.
    """
    return _kept_per_locale("famnen_catalog", get_translations)


def current_language() -> str:
    """Return the active language code (sv, fi or en)."""
    return _kept_per_locale("famnen_language", lambda: str(get_locale() or current_app.config["DEFAULT_LANGUAGE"]))


def pick(texts: dict[str, str | None], language: str | None = None) -> str:
    """Choose a text from a {language: text} mapping, falling back to the other languages."""
    language = language or current_language()
    for code in (language, *FALLBACKS.get(language, LANGUAGES)):
        if texts.get(code):
            return texts[code] or ""
    return ""


def localized(obj: object, field: str, language: str | None = None) -> str:
    """Return ``obj.<field>_<language>``, falling back when that text is empty."""
    return pick({code: getattr(obj, f"{field}_{code}", None) for code in LANGUAGES}, language)


def language_list(chosen: Iterable[str]) -> str:
    """Chosen language codes as the models store them: space-separated, in the installation's order."""
    return " ".join(code for code in LANGUAGES if code in chosen)


@lru_cache(maxsize=4096)
def _formatted_day(locale: str, day: date, pattern: str) -> str:
    """A day formatted by Babel; ``locale`` is the current one, passed as the cache key."""
    return format_date(day, pattern)


def _day_text(value: date | datetime, pattern: str) -> str:
    """Format the (Helsinki) day of ``value`` in the current language, once per process and day.

    Babel's formatting is slow and pages such as the calendars format the same
    few days again and again.
    """
    if isinstance(value, datetime):
        # As Flask-Babel does: a naive moment is UTC.
        day = to_local(value if value.tzinfo else value.replace(tzinfo=UTC)).date()
    else:
        day = value
    return _formatted_day(str(get_locale()), day, pattern)


# English dates follow one house style, day before month as in Finland: "7 Dec 2026",
# "Monday 7 December 2026", never Babel's American "Monday, December 7, 2026".
ENGLISH_SHORT_DATE = "d MMM yyyy"
ENGLISH_LONG_DATE = "EEEE d MMMM yyyy"


def _english() -> bool:
    return current_language() not in ("sv", "fi")


def short_date(value: date | datetime) -> str:
    """Format a date the way people write it in the current language (3.12.2026; 3 Dec 2026 in English)."""
    return _day_text(value, ENGLISH_SHORT_DATE if _english() else "d.M.yyyy")


def long_date(value: date | datetime) -> str:
    """Format a date with its weekday, e.g. "tisdag 3 december 2026", "Thursday 3 December 2026"."""
    return _day_text(value, ENGLISH_LONG_DATE if _english() else "full")


def weekday_and_day(value: date | datetime) -> str:
    """A short day label for a row of days: "mån 14.12.", "ma 14.12.", "Mon 14 Dec"."""
    return _day_text(value, "EEE d MMM" if _english() else "EEE d.M.")


def machine_time(value: datetime) -> str:
    """A moment for a ``<time datetime>`` attribute: UTC to the second, as HTML allows ("2026-12-09T08:00:04Z")."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock(value: datetime, language: str | None = None) -> str:
    """Format a time of day in Helsinki time: "9.30" in Finnish and Swedish, "09:30" in English.

    Written out by hand because a page of free times formats hundreds of them;
    such a page passes the ``language`` it looked up once.
    """
    local = to_local(value)
    if (language or current_language()) in ("sv", "fi"):
        return f"{local.hour}.{local.minute:02d}"
    return f"{local.hour:02d}:{local.minute:02d}"


def date_and_time(value: datetime) -> str:
    """Format a moment as date and time in Helsinki time."""
    return format_datetime(value, f"{ENGLISH_SHORT_DATE} HH:mm" if _english() else "d.M.yyyy H.mm")


def time_range(start: datetime, end: datetime) -> str:
    """A span of time, without repeating the date when it starts and ends on the same day.

    Whole days (midnight to midnight in Helsinki) are written as dates, "14.12.2026–18.12.2026",
    not as "14.12.2026 0.00–19.12.2026 0.00", which names a day that is not included.
    """
    local_start, local_end = to_local(start), to_local(end)
    if local_start.time() == local_end.time() == time(0) and local_end > local_start:
        last_day = local_end.date() - timedelta(days=1)
        if last_day == local_start.date():
            return short_date(local_start.date())
        return f"{short_date(local_start.date())}–{short_date(last_day)}"
    if local_start.date() == local_end.date():
        return f"{date_and_time(start)}–{clock(end)}"
    return f"{date_and_time(start)}–{date_and_time(end)}"


def day_and_time(moment: datetime) -> str:
    """A date with its weekday and a time of day, e.g. "tisdag 3 december 2026 9.30"."""
    return f"{long_date(moment)} {clock(moment)}"


def day_and_hours(start: datetime, end: datetime) -> str:
    """A date with its weekday and the hours on it, e.g. "tisdag 3 december 2026 9.30–10.15"."""
    return f"{day_and_time(start)}–{clock(end)}"


def init_app(app: Flask) -> None:
    """Register Jinja helpers for languages and local dates, and the templates' fast gettext."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalog().ugettext(string),
        ngettext=lambda singular, plural, n: catalog().ungettext(singular, plural, n),
        pgettext=lambda context, string: catalog().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: catalog().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        local_date=lambda moment: to_local(moment).date(),
        localized=localized,
        time_range=time_range,
        day_and_hours=day_and_hours,
        pick=pick,
        current_language=current_language,
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        LANGUAGE_WORDS=LANGUAGE_WORDS,
    )
    app.jinja_env.filters.update(
        short_date=short_date,
        long_date=long_date,
        weekday_and_day=weekday_and_day,
        day_and_time=day_and_time,
        clock=clock,
        machine_time=machine_time,
        date_and_time=date_and_time,
    )
