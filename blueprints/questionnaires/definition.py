"""Instrument definitions: read a YAML file, check every part of it, and build typed objects.

Checking and building happen in one pass (``_Reader``), so every error in a
file is found at once and named by file and path, for example
``psc17.yaml: sections[0].items[3].text.fi: missing``. A definition that
reads without errors is a ``Definition``; one with errors raises
``DefinitionError`` listing them all. The format is described for authors in
``docs/instruments.md``. No Flask here: this is plain domain code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.definition_files import (
    FieldReader,
    Number,
    ProblemList,
    Text,
    parse_yaml,
    path_at,
    read_definition_text,
)

from .conditions import (
    AgeBetween,
    AllOf,
    Answered,
    AnswerIn,
    AnyOf,
    Condition,
    FormValid,
    ItemScoreAtLeast,
    Not,
    ScaleAtLeast,
    ScaleBandIn,
)

ITEM_TYPES = ("choice", "yes_no", "multiple", "number", "date", "text")
TYPES_WITH_OPTIONS = ("choice", "yes_no", "multiple")
SCORED_TYPES = ("choice", "yes_no")
RESPONDENTS = ("parent", "professional")
LEVELS = ("normal", "borderline", "high")
METHODS = ("sum", "mean")
BLANK_RULES = ("missing", "zero", "prorate")
YES_NO_CODES = frozenset({"yes", "no"})
DEFAULT_MAX_TEXT_LENGTH = 2000
CODE = re.compile(r"[a-z0-9][a-z0-9_]*\Z")


class DefinitionError(ProblemList):
    """A definition that cannot be used; ``errors`` names file and path for each problem."""


@dataclass(frozen=True)
class Option:
    """One answer on a response scale: the code that is stored, its score and its label."""

    code: str
    score: int | None
    label: Text


@dataclass(frozen=True)
class ResponseScale:
    """The options an item offers, in the order they are shown."""

    id: str
    options: tuple[Option, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The option codes in order."""
        return tuple(option.code for option in self.options)

    @property
    def scored(self) -> bool:
        """Whether the options carry scores (all of them do, or none)."""
        return bool(self.options) and all(option.score is not None for option in self.options)

    def option(self, code: str) -> Option | None:
        """The option with this code, or None."""
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True)
class Item:
    """A question. ``response_scale`` is set for choice, yes/no and several-choice items."""

    id: str
    type: str
    text: Text
    help: Text | None = None
    response_scale: ResponseScale | None = None
    reversed: bool = False
    show_if: Condition | None = None
    minimum: Number | None = None
    maximum: Number | None = None
    max_length: int = DEFAULT_MAX_TEXT_LENGTH
    # The score the item gives when its condition (or its section's) hides it, e.g. 0 for
    # AUDIT-C's drinking questions after "Never". None: a hidden item is simply not answered.
    score_when_hidden: int | None = None
    # A required item must be answered (when shown) before the parent can send the form.
    required: bool = False

    @property
    def scored(self) -> bool:
        """Whether a single answer to this item gives a score."""
        return self.type in SCORED_TYPES and self.response_scale is not None and self.response_scale.scored

    @property
    def score_range(self) -> tuple[int, int]:
        """The lowest and highest score the item can give (reversal keeps the range)."""
        scores = [option.score for option in self.response_scale.options]
        return min(scores), max(scores)

    def score_of(self, code: str) -> int:
        """The score of the option ``code``, reversed when the item is reverse-scored."""
        score = self.response_scale.option(code).score
        return reverse_score(score, *self.score_range) if self.reversed else score


@dataclass(frozen=True)
class Section:
    """One page for the parent. Included sections keep the instrument they came from."""

    id: str
    title: Text
    introduction: Text | None
    items: tuple[Item, ...]
    show_if: Condition | None
    instrument_id: str
    instrument_version: int
    # Language -> whether the texts are a validated translation (for professionals).
    validated: Mapping[str, bool]


@dataclass(frozen=True)
class Band:
    """A range of scores starting at ``start`` (the YAML ``from``) up to the next band's start."""

    id: str
    level: str
    start: Number
    label: Text


@dataclass(frozen=True)
class BandSet:
    """Bands that apply when ``when`` holds (always when it is None)."""

    when: Condition | None
    bands: tuple[Band, ...]

    def band_for(self, score: Number) -> Band:
        """The band that ``score`` falls in (validation makes the first band start at the lowest score)."""
        chosen = self.bands[0]
        for band in self.bands:
            if score >= band.start:
                chosen = band
        return chosen


@dataclass(frozen=True)
class Scale:
    """A score from items (``items``) or from scales defined above it (``scales``)."""

    id: str
    title: Text
    items: tuple[str, ...]
    scales: tuple[str, ...]
    method: str
    blanks: str
    min_answered: int
    band_sets: tuple[BandSet, ...]
    minimum: Number
    maximum: Number

    @property
    def band_ids(self) -> frozenset[str]:
        """Every band id this scale can give, in any band set."""
        return frozenset(band.id for band_set in self.band_sets for band in band_set.bands)


@dataclass(frozen=True)
class ValidityRule:
    """The response is invalid when more than ``max_blank`` of ``items`` are blank."""

    scale: str
    items: tuple[str, ...]
    max_blank: int


@dataclass(frozen=True)
class Flag:
    """An urgent signal for the professional. ``item`` is the item its condition is about, if one."""

    id: str
    when: Condition
    message: Text
    item: str | None


@dataclass(frozen=True)
class Outcome:
    """A named result, such as offering the parent-training programme."""

    id: str
    when: Condition
    title: Text
    text_for_parent: Text
    text_for_professional: Text
    # The heading parents read above text_for_parent, when ``title`` is worded for professionals
    # ("The parent would like to talk ..."); None: parents read ``title``.
    title_for_parent: Text | None = None


@dataclass(frozen=True)
class Definition:
    """A checked instrument or package: everything needed to show, score and store it.

    ``items`` and ``scales`` are in file order (included parts first where they are
    included). ``data`` is the definition as read, with included files embedded, and is
    what ``canonical_text`` stores.
    """

    id: str
    version: int
    title: Text
    introduction: Text
    # Where the instrument comes from, its licence and credits, for professionals: in sv, fi and
    # en, or one text for all three (older files, which wrote them in one language).
    source: Text
    licence: Text
    attribution: Text
    validated: Mapping[str, bool]
    respondent: str
    age_months: tuple[int | None, int | None] | None
    sections: tuple[Section, ...]
    items: Mapping[str, Item]
    scales: Mapping[str, Scale]
    validity: tuple[ValidityRule, ...]
    flags: tuple[Flag, ...]
    outcomes: tuple[Outcome, ...]
    data: Mapping[str, Any] = field(repr=False, compare=False)
    # Whether the parent sees their own scale results in plain words after sending.
    parent_result: bool = False


def reverse_score(score: int, low: int, high: int) -> int:
    """Mirror a score within its range: the lowest becomes the highest and back (0..2: 0<->2, 1<->1)."""
    return low + high - score


# --- YAML --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """What a condition may refer to where it stands."""

    items: Mapping[str, Item]
    scales: Mapping[str, Scale] | None = None
    allow_valid: bool = False


class _Reader(FieldReader):
    """Reads one definition's raw data, collecting every error and building the typed objects.

    When errors were found the objects built may be incomplete; ``read`` then raises
    instead of returning them.
    """

    def __init__(self, source_name: str, folder: Path | None, may_include: bool = True) -> None:
        super().__init__(source_name)
        self.folder = folder
        self.may_include = may_include
        self.response_scales: dict[str, ResponseScale] = {}
        self.items: dict[str, Item] = {}
        self.scales: dict[str, Scale] = {}
        self.section_ids: set[str] = set()
        self.validity: list[ValidityRule] = []
        self.flags: list[Flag] = []
        self.outcomes: list[Outcome] = []

    # Small typed readers. Each returns None when the key is absent (``fields`` reported
    # a required one) or the value is wrong (reported here).

    def named(self, found: dict, key: str, table: Mapping[str, Any] | None, path: str, where: str = "") -> Any:
        """The entry ``found[key]`` names in ``table``, reporting a name that is not there."""
        entry = _named(table or {}, found[key])
        if entry is None:
            self.fail(path_at(path, key), f"no {key} {found[key]!r}{where}")
        return entry

    # The definition and its parts.

    def read(self, raw: Any) -> Definition:
        """Read a whole definition; raise DefinitionError listing every problem."""
        top = self.fields(
            raw,
            "",
            (
                "id",
                "version",
                "title",
                "introduction",
                "source",
                "licence",
                "attribution",
                "validated",
                "respondent",
                "sections",
            ),
            ("age_months", "response_scales", "scales", "validity", "flags", "outcomes", "parent_result"),
        )
        if top is None:
            raise DefinitionError(self.errors)
        instrument_id = self.identifier(top, "id", "")
        version = self.integer(top, "version", "", minimum=1)
        validated = self.validated(top)
        for path, entry in self.entries(top, "response_scales", ""):
            self.response_scale(entry, path)
        sections, resolved_sections = [], []
        for path, entry in self.entries(top, "sections", "", at_least=1):
            if isinstance(entry, dict) and "include" in entry:
                included = self.include(entry, path)
                if included is None:
                    # Whatever refers to the included parts would only repeat this error.
                    raise DefinitionError(self.errors)
                resolved_sections.append(included[0])
                sections.extend(included[1].sections)
            else:
                resolved_sections.append(entry)
                section = self.section(entry, path, instrument_id, version, validated)
                sections.append(section)
        for path, entry in self.entries(top, "scales", ""):
            self.scale(entry, path)
        for path, entry in self.entries(top, "validity", ""):
            self.validity_rule(entry, path)
        everything = _Scope(self.items, self.scales, allow_valid=True)
        for path, entry in self.entries(top, "flags", ""):
            self.flag(entry, path, everything)
        for path, entry in self.entries(top, "outcomes", ""):
            self.outcome(entry, path, everything)
        definition = Definition(
            id=instrument_id,
            version=version,
            title=self.text(top, "title", ""),
            introduction=self.text(top, "introduction", ""),
            source=self.credit_text(top, "source", ""),
            licence=self.credit_text(top, "licence", ""),
            attribution=self.credit_text(top, "attribution", ""),
            validated=validated,
            respondent=self.one_word(top, "respondent", "", RESPONDENTS),
            age_months=self.age_range(top, "age_months", ""),
            sections=tuple(sections),
            items=dict(self.items),
            scales=dict(self.scales),
            validity=tuple(self.validity),
            flags=tuple(self.flags),
            outcomes=tuple(self.outcomes),
            data={**top, "sections": resolved_sections},
            parent_result=bool(self.boolean(top, "parent_result", "")),
        )
        if self.errors:
            raise DefinitionError(self.errors)
        return definition

    def age_range(self, raw: dict, key: str, path: str) -> tuple[int | None, int | None] | None:
        if key not in raw:
            return None
        where = path_at(path, key)
        found = self.fields(raw[key], where, (), ("from", "below"))
        if found is None:
            return None
        start, below = self.integer(found, "from", where, 0), self.integer(found, "below", where, 0)
        if start is None and below is None:
            self.fail(where, "needs from, below or both")
        elif start is not None and below is not None and below <= start:
            self.fail(path_at(where, "below"), "must be greater than from")
        return start, below

    def response_scale(self, raw: Any, path: str) -> None:
        found = self.fields(raw, path, ("id", "options"))
        if found is None:
            return
        scale_id = self.identifier(found, "id", path)
        options = []
        for option_path, entry in self.entries(found, "options", path, at_least=2):
            option = self.fields(entry, option_path, ("code", "label"), ("score",))
            if option is None:
                continue
            code = self.identifier(option, "code", option_path, CODE)
            if code in {known.code for known in options}:
                self.fail(path_at(option_path, "code"), f"code {code!r} is used twice")
            options.append(
                Option(code, self.integer(option, "score", option_path, 0), self.text(option, "label", option_path))
            )
        with_score = [option for option in options if option.score is not None]
        if with_score and len(with_score) != len(options):
            self.fail(path_at(path, "options"), "give every option a score, or none")
        if self.unique(self.response_scales, scale_id, path_at(path, "id"), "response scale"):
            self.response_scales[scale_id] = ResponseScale(scale_id, tuple(options))

    def include(self, raw: dict, path: str) -> tuple[dict, Definition] | None:
        """Read an included instrument; return its resolved entry (file embedded) and definition."""
        found = self.fields(raw, path, ("include", "version"), ("definition",))
        if found is None:
            return None
        if not self.may_include:
            self.fail(path_at(path, "include"), "an included instrument cannot include another")
            return None
        included_id, version = self.identifier(found, "include", path), self.integer(found, "version", path, 1)
        if included_id is None or version is None:
            return None
        if "definition" in found:  # a stored package carries what it included
            data, name = found["definition"], f"{self.source_name} ({included_id})"
        elif self.folder is None:
            self.fail(path_at(path, "include"), "needs the definition embedded (no folder to read it from)")
            return None
        else:
            name = f"{included_id}.yaml"
            try:
                data = parse_yaml(
                    read_definition_text(self.folder / name, name, DefinitionError), name, DefinitionError
                )
            except OSError:
                self.fail(path_at(path, "include"), f"no file {name} beside this one")
                return None
            except DefinitionError as problem:
                self.errors.extend(problem.errors)
                return None
        try:
            definition = _Reader(name, None, may_include=False).read(data)
        except DefinitionError as problem:
            self.errors.extend(problem.errors)
            return None
        if definition.id != included_id:
            self.fail(path_at(path, "include"), f"{name} has the id {definition.id!r}")
            return None
        if definition.version != version:
            self.fail(
                path_at(path, "version"),
                f"{name} is version {definition.version}; check that the package still fits it, then include that "
                f"version",
            )
            return None
        self.merge(definition, path)
        return {"include": included_id, "version": version, "definition": data}, definition

    def merge(self, included: Definition, path: str) -> None:
        """Add an included instrument's items, sections, scales, rules, flags and outcomes."""
        for what, table, ids in (
            ("item", self.items, included.items),
            ("scale", self.scales, included.scales),
            ("section", self.section_ids, [section.id for section in included.sections]),
        ):
            for known in ids:
                self.unique(table, known, path_at(path, "include"), what)
        self.items.update(included.items)
        self.scales.update(included.scales)
        self.section_ids.update(section.id for section in included.sections)
        self.validity.extend(included.validity)
        self.flags.extend(included.flags)
        self.outcomes.extend(included.outcomes)

    def section(self, raw: Any, path: str, instrument_id: str, version: int, validated: dict) -> Section | None:
        found = self.fields(raw, path, ("id", "title", "items"), ("introduction", "show_if"))
        if found is None:
            return None
        section_id = self.identifier(found, "id", path)
        if self.unique(self.section_ids, section_id, path_at(path, "id"), "section"):
            self.section_ids.add(section_id)
        show_if = self.optional_condition(found, "show_if", path, _Scope(dict(self.items)))
        items = [self.item(entry, item_path) for item_path, entry in self.entries(found, "items", path, at_least=1)]
        return Section(
            id=section_id,
            title=self.text(found, "title", path),
            introduction=self.text(found, "introduction", path),
            items=tuple(item for item in items if item is not None),
            show_if=show_if,
            instrument_id=instrument_id,
            instrument_version=version,
            validated=validated,
        )

    def item(self, raw: Any, path: str) -> Item | None:
        found = self.fields(
            raw,
            path,
            ("id", "type", "text"),
            (
                "help",
                "response_scale",
                "reversed",
                "show_if",
                "score_when_hidden",
                "min",
                "max",
                "max_length",
                "required",
            ),
        )
        if found is None:
            return None
        item_id = self.identifier(found, "id", path)
        item_type = self.one_word(found, "type", path, ITEM_TYPES)
        # Conditions see only the items above this one: an answer shows what comes after it.
        show_if = self.optional_condition(found, "show_if", path, _Scope(dict(self.items)))
        allowed = {
            "response_scale": item_type in TYPES_WITH_OPTIONS,
            "reversed": item_type == "choice",
            "score_when_hidden": item_type in SCORED_TYPES,
            "min": item_type == "number",
            "max": item_type == "number",
            "max_length": item_type == "text",
        }
        for key, fits in allowed.items():
            if key in found and item_type is not None and not fits:
                self.fail(path_at(path, key), f"does not apply to a {item_type} item")
        response_scale = self.item_response_scale(found, path, item_type)
        minimum, maximum = self.number(found, "min", path), self.number(found, "max", path)
        if minimum is not None and maximum is not None and maximum < minimum:
            self.fail(path_at(path, "max"), "must not be less than min")
        item = Item(
            id=item_id,
            type=item_type,
            text=self.text(found, "text", path),
            help=self.text(found, "help", path),
            response_scale=response_scale,
            reversed=bool(self.boolean(found, "reversed", path)),
            show_if=show_if,
            minimum=minimum,
            maximum=maximum,
            max_length=self.integer(found, "max_length", path, 1) or DEFAULT_MAX_TEXT_LENGTH,
            score_when_hidden=self.integer(found, "score_when_hidden", path, 0),
            required=bool(self.boolean(found, "required", path)),
        )
        for key in ("reversed", "score_when_hidden"):
            if key in found and response_scale is not None and not response_scale.scored:
                self.fail(path_at(path, key), "needs a response scale whose options have scores")
        if (
            item.scored
            and item.score_when_hidden is not None
            and not item.score_range[0] <= item.score_when_hidden <= item.score_range[1]
        ):
            self.fail(path_at(path, "score_when_hidden"), "must be one of the item's possible scores")
        if self.unique(self.items, item_id, path_at(path, "id"), "item"):
            self.items[item_id] = item
        return item

    def item_response_scale(self, found: dict, path: str, item_type: str | None) -> ResponseScale | None:
        if item_type not in TYPES_WITH_OPTIONS:
            return None
        if "response_scale" not in found:
            self.fail(path_at(path, "response_scale"), f"missing (a {item_type} item needs one)")
            return None
        scale = _named(self.response_scales, found["response_scale"])
        if scale is None:
            self.fail(path_at(path, "response_scale"), f"no response scale {found['response_scale']!r} in this file")
        elif item_type == "yes_no" and set(scale.codes) != YES_NO_CODES:
            self.fail(
                path_at(path, "response_scale"),
                "a yes_no item needs a response scale with exactly the codes yes and no",
            )
        return scale

    def scale(self, raw: Any, path: str) -> None:
        found = self.fields(
            raw, path, ("id", "title"), ("items", "scales", "method", "blanks", "min_answered", "bands", "band_sets")
        )
        if found is None:
            return
        scale_id = self.identifier(found, "id", path)
        method = self.one_word(found, "method", path, METHODS) or "sum"
        source_key = self.one_of_keys(found, path, ("items", "scales"))
        if source_key == "items":
            items, blanks, min_answered, minimum, maximum = self.scale_items(found, path, method)
            scales: tuple[str, ...] = ()
        else:
            for key in ("blanks", "min_answered"):
                if key in found:
                    self.fail(path_at(path, key), "applies only to a scale made of items")
            items, blanks, min_answered = (), "missing", 0
            scales, minimum, maximum = self.scale_parts(found, path, method)
        band_sets = self.band_sets(found, path, minimum, maximum)
        if self.unique(self.scales, scale_id, path_at(path, "id"), "scale"):
            self.scales[scale_id] = Scale(
                scale_id,
                self.text(found, "title", path),
                items,
                scales,
                method,
                blanks,
                min_answered,
                band_sets,
                minimum,
                maximum,
            )

    def references(self, found: dict, key: str, path: str, known: Mapping[str, Any], what: str) -> list[Any]:
        """The known objects a list of ids names, reporting unknown and repeated ids."""
        named = []
        for entry_path, entry in self.entries(found, key, path, at_least=1):
            if _named(known, entry) is None:
                self.fail(entry_path, f"no {what} {entry!r} above this point")
            elif known[entry] in named:
                self.fail(entry_path, f"{entry!r} is listed twice")
            else:
                named.append(known[entry])
        return named

    def scale_items(
        self, found: dict, path: str, method: str
    ) -> tuple[tuple[str, ...], str, int, Number | None, Number | None]:
        errors_before = len(self.errors)
        items = self.references(found, "items", path, self.items, "item")
        unscored = [item.id for item in items if not item.scored]
        if unscored:
            self.fail(
                path_at(path, "items"), f"{unscored!r} give no score (a scale needs scored choice or yes_no items)"
            )
        if len(self.errors) > errors_before:
            items = []  # no bounds, so the bands are not blamed for a wrong item list
        blanks = self.one_word(found, "blanks", path, BLANK_RULES) or "missing"
        min_answered = self.integer(found, "min_answered", path, 0)
        if blanks == "missing" and "min_answered" in found:
            self.fail(path_at(path, "min_answered"), "applies only with blanks: zero or prorate")
        elif blanks == "prorate" and "min_answered" not in found:
            self.fail(path_at(path, "min_answered"), "missing (prorating needs the least number of answered items)")
        elif min_answered is not None and items:
            lowest = 0 if blanks == "zero" else 1
            if not lowest <= min_answered <= len(items):
                self.fail(path_at(path, "min_answered"), f"must be between {lowest} and {len(items)}")
        if min_answered is None:
            min_answered = 0 if blanks == "zero" else len(items)
        minimum, maximum = _bounds([item.score_range for item in items], method)
        return tuple(item.id for item in items), blanks, min_answered, minimum, maximum

    def scale_parts(self, found: dict, path: str, method: str) -> tuple[tuple[str, ...], Number | None, Number | None]:
        errors_before = len(self.errors)
        parts = self.references(found, "scales", path, self.scales, "scale")
        known_parts = parts if len(self.errors) == errors_before else []
        minimum, maximum = _bounds([(part.minimum, part.maximum) for part in known_parts], method)
        return tuple(part.id for part in parts), minimum, maximum

    def band_sets(self, found: dict, path: str, minimum: Number | None, maximum: Number | None) -> tuple[BandSet, ...]:
        if "bands" in found and "band_sets" in found:
            self.fail(path, "give bands or band_sets, not both")
            return ()
        if "bands" in found:
            return (BandSet(None, self.bands(found, path, minimum, maximum)),)
        sets = []
        entries = self.entries(found, "band_sets", path, at_least=1)
        for position, (set_path, entry) in enumerate(entries):
            band_set = self.fields(entry, set_path, ("bands",), ("when",))
            if band_set is None:
                continue
            if "when" not in band_set and position != len(entries) - 1:
                self.fail(set_path, "only the last band set may leave out when (the sets after it could never apply)")
            # Bands are chosen before scales are known, so only answers and age may decide.
            when = self.optional_condition(band_set, "when", set_path, _Scope(dict(self.items)))
            sets.append(BandSet(when, self.bands(band_set, set_path, minimum, maximum)))
        return tuple(sets)

    def bands(self, found: dict, path: str, minimum: Number | None, maximum: Number | None) -> tuple[Band, ...]:
        bands: list[Band] = []
        for band_path, entry in self.entries(found, "bands", path, at_least=1):
            band = self.fields(entry, band_path, ("id", "level", "from", "label"))
            if band is None:
                continue
            band_id = self.identifier(band, "id", band_path)
            if band_id in {known.id for known in bands}:
                self.fail(path_at(band_path, "id"), f"band {band_id!r} is defined twice")
            start = self.number(band, "from", band_path)
            if start is not None and minimum is not None:  # no bounds when the scale's parts had errors
                if not bands and start > minimum:
                    self.fail(
                        path_at(band_path, "from"), f"the first band must start at or below the lowest score, {minimum}"
                    )
                elif bands and bands[-1].start is not None and start <= bands[-1].start:
                    self.fail(path_at(band_path, "from"), "bands must be listed from the lowest score up")
                elif start > maximum:
                    self.fail(path_at(band_path, "from"), f"is above the highest score, {maximum}")
            bands.append(
                Band(
                    band_id, self.one_word(band, "level", band_path, LEVELS), start, self.text(band, "label", band_path)
                )
            )
        return tuple(bands)

    def validity_rule(self, raw: Any, path: str) -> None:
        found = self.fields(raw, path, ("scale", "max_blank"))
        if found is None:
            return
        max_blank = self.integer(found, "max_blank", path, 0)
        scale = self.named(found, "scale", self.scales, path) if "scale" in found else None
        if scale is None:
            return
        self.validity.append(ValidityRule(scale.id, _items_under(scale, self.scales), max_blank))

    def flag(self, raw: Any, path: str, scope: _Scope) -> None:
        found = self.fields(raw, path, ("id", "when", "message"))
        if found is None:
            return
        flag_id = self.identifier(found, "id", path)
        when = self.optional_condition(found, "when", path, scope)
        if self.unique({flag.id for flag in self.flags}, flag_id, path_at(path, "id"), "flag"):
            item = when.item if isinstance(when, (AnswerIn, Answered, ItemScoreAtLeast)) else None
            self.flags.append(Flag(flag_id, when, self.text(found, "message", path), item))

    def outcome(self, raw: Any, path: str, scope: _Scope) -> None:
        found = self.fields(
            raw, path, ("id", "when", "title", "text_for_parent", "text_for_professional"), ("title_for_parent",)
        )
        if found is None:
            return
        outcome_id = self.identifier(found, "id", path)
        when = self.optional_condition(found, "when", path, scope)
        if self.unique({outcome.id for outcome in self.outcomes}, outcome_id, path_at(path, "id"), "outcome"):
            self.outcomes.append(
                Outcome(
                    outcome_id,
                    when,
                    self.text(found, "title", path),
                    self.text(found, "text_for_parent", path),
                    self.text(found, "text_for_professional", path),
                    self.text(found, "title_for_parent", path),
                )
            )

    # Conditions.

    def optional_condition(self, raw: dict, key: str, path: str, scope: _Scope) -> Condition | None:
        return self.condition(raw[key], path_at(path, key), scope) if key in raw else None

    def condition(self, raw: Any, path: str, scope: _Scope) -> Condition | None:
        readers: dict[str, Callable[[dict, str, _Scope], Condition | None]] = {
            "item": self.item_condition,
            "scale": self.scale_condition,
            "age_months": self.age_condition,
            "valid": self.valid_condition,
            "all": self.combined_condition,
            "any": self.combined_condition,
            "not": self.not_condition,
        }
        kind = next((key for key in readers if isinstance(raw, dict) and key in raw), None)
        if kind is None:
            self.fail(path, "a condition needs one of: " + ", ".join(readers))
            return None
        return readers[kind](raw, path, scope)

    def item_condition(self, raw: dict, path: str, scope: _Scope) -> Condition | None:
        found = self.fields(raw, path, ("item",), ("in", "answered", "score_at_least"))
        test = self.one_of_keys(found, path, ("in", "answered", "score_at_least"))
        item = self.named(found, "item", scope.items, path, " above this point")
        if item is None:
            return None
        if test == "answered":
            answered = self.boolean(found, "answered", path)
            return None if answered is None else Answered(item.id, answered)
        if test == "score_at_least":
            if not item.scored:
                self.fail(path_at(path, "item"), f"{item.id!r} gives no score")
            score = self.integer(found, "score_at_least", path)
            return None if score is None else ItemScoreAtLeast(item.id, score)
        if test == "in":
            return self.answer_in(found["in"], path_at(path, "in"), item)
        return None

    def answer_in(self, codes: Any, path: str, item: Item) -> Condition | None:
        if item.response_scale is None:
            self.fail(path, f"{item.id!r} has no options to compare with")
            return None
        if not isinstance(codes, list) or not codes:
            self.fail(path, "must be a list of option codes")
            return None
        unknown = [code for code in codes if code not in item.response_scale.codes]
        if unknown:
            self.fail(path, f"{unknown!r} not among {item.id!r}'s options ({', '.join(item.response_scale.codes)})")
            return None
        return AnswerIn(item.id, frozenset(codes))

    def scale_condition(self, raw: dict, path: str, scope: _Scope) -> Condition | None:
        found = self.fields(raw, path, ("scale",), ("at_least", "band_in"))
        test = self.one_of_keys(found, path, ("at_least", "band_in"))
        if scope.scales is None:
            self.fail(path, "scales cannot decide here (only answers and age can)")
            return None
        scale = self.named(found, "scale", scope.scales, path)
        if scale is None:
            return None
        if test == "at_least":
            value = self.number(found, "at_least", path)
            return None if value is None else ScaleAtLeast(scale.id, value)
        if test == "band_in":
            bands = found["band_in"]
            if (
                not isinstance(bands, list)
                or not bands
                or not all(isinstance(b, str) and b in scale.band_ids for b in bands)
            ):
                self.fail(
                    path_at(path, "band_in"), f"must list bands of {scale.id!r}: " + ", ".join(sorted(scale.band_ids))
                )
                return None
            return ScaleBandIn(scale.id, frozenset(bands))
        return None

    def age_condition(self, raw: dict, path: str, scope: _Scope) -> Condition | None:
        found = self.fields(raw, path, ("age_months",))
        start, below = self.age_range(found, "age_months", path) or (None, None)
        return AgeBetween(start, below)

    def valid_condition(self, raw: dict, path: str, scope: _Scope) -> Condition | None:
        found = self.fields(raw, path, ("valid",))
        if not scope.allow_valid:
            self.fail(path, "validity is known only for flags and outcomes")
            return None
        valid = self.boolean(found, "valid", path)
        return None if valid is None else FormValid(valid)

    def combined_condition(self, raw: dict, path: str, scope: _Scope) -> Condition | None:
        key = "all" if "all" in raw else "any"
        found = self.fields(raw, path, (key,))
        parts = [
            self.condition(entry, part_path, scope) for part_path, entry in self.entries(found, key, path, at_least=1)
        ]
        return (AllOf if key == "all" else AnyOf)(tuple(parts))

    def not_condition(self, raw: dict, path: str, scope: _Scope) -> Condition | None:
        found = self.fields(raw, path, ("not",))
        part = self.condition(found["not"], path_at(path, "not"), scope)
        return None if part is None else Not(part)


def _named(table: Mapping[str, Any], name: Any) -> Any:
    """The entry ``name`` refers to, or None (also when the YAML gave a list or number instead of a name)."""
    return table.get(name) if isinstance(name, str) else None


def _bounds(ranges: list[tuple[Number, Number]], method: str) -> tuple[Number | None, Number | None]:
    """The lowest and highest score of a sum or mean of parts with these ranges (None without parts)."""
    if not ranges:
        return None, None
    lows, highs = zip(*ranges, strict=True)
    return (sum(lows), sum(highs)) if method == "sum" else (min(lows), max(highs))


def _items_under(scale: Scale, scales: Mapping[str, Scale]) -> tuple[str, ...]:
    """The item ids a scale is made of, through the scales it sums."""
    found = list(scale.items)
    for part in scale.scales:
        found.extend(item for item in _items_under(scales[part], scales) if item not in found)
    return tuple(found)


# --- Public functions --------------------------------------------------------------------


def load_file(path: str | Path) -> Definition:
    """Read and check a definition file; included instruments are read from the same folder.

    Raises DefinitionError (every problem, each naming file and path) or OSError.
    """
    path = Path(path)
    data = parse_yaml(read_definition_text(path, path.name, DefinitionError), path.name, DefinitionError)
    return _Reader(path.name, path.parent).read(data)


def parse_text(text: str, source_name: str) -> Definition:
    """Read and check a definition from text, such as a stored version (its includes are embedded)."""
    return _Reader(source_name, None).read(parse_yaml(text, source_name, DefinitionError))


def canonical_text(definition: Definition) -> str:
    """The text that is stored for a definition: its data, with included instruments embedded.

    Comments and layout of the file are not part of it, so a change to them alone is
    not a new version.
    """
    return yaml.safe_dump(dict(definition.data), allow_unicode=True, sort_keys=False, width=100)
