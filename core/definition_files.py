"""Definition files in YAML (instruments, programmes): strict parsing and checked reading.

A definition is read in one pass that collects every problem, each named by file and
path (``psc17.yaml: sections[0].items[3].text.fi: missing``), so an author sees all of
them at once. ``FieldReader`` holds the small typed readers; a reader for one kind of
definition subclasses it. No Flask here: plain domain code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

# The same three languages as config.LANGUAGES (a test keeps them equal); kept here so
# definition code does not import the Flask configuration.
LANGUAGES = ("sv", "fi", "en")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
# Ids are stored in columns of 80 characters (instrument, programme, item, exercise ids).
MAX_IDENTIFIER = 80

# A text in every language: {"sv": ..., "fi": ..., "en": ...}; core.i18n.pick chooses one.
Text = Mapping[str, str]
Number = int | Decimal


class ImportRefused(ValueError):
    """A definition that cannot be stored as it is (a stored version's number reused, a lower one); says what to
    change."""


@dataclass(frozen=True)
class ImportReport:
    """What importing a definition did: ``created`` is False when the same content was already stored."""

    id: str
    version: int
    created: bool


class ProblemList(ValueError):
    """An error made of every problem found, so that all of them can be shown at once."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


_BOOL_TAG = "tag:yaml.org,2002:bool"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class StrictLoader(yaml.SafeLoader):
    """Safe YAML where only true/false are booleans, dates stay text and duplicate keys are errors.

    Plain YAML 1.1 would read the option code ``no`` as False and silently keep the
    last of two equal keys; both would corrupt a definition without a word.
    """


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL_TAG, _TIMESTAMP_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|false)$"), list("tf"))


def _mapping_without_duplicates(loader: StrictLoader, node: yaml.MappingNode) -> dict:
    seen = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            # A list or mapping as a key ("? [a, b]"): no definition has such keys.
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain word", key_node.start_mark)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


StrictLoader.add_constructor("tag:yaml.org,2002:map", _mapping_without_duplicates)


def read_definition_text(path: Path, source_name: str, error: type[ProblemList]) -> str:
    """A definition file's text; a file that is not UTF-8 becomes ``error`` naming it, like any other problem."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as problem:
        raise error([f"{source_name}: (file): not UTF-8 text (byte {problem.start}); save it as UTF-8"]) from None


def parse_yaml(text: str, source_name: str, error: type[ProblemList]) -> Any:
    """Parse YAML text, turning syntax errors into ``error`` (a ProblemList) naming the line."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        reason = getattr(problem, "problem", None) or str(problem)
        raise error([f"{source_name}: {where}: {reason}"]) from None


def path_at(path: str, key: str) -> str:
    """The path of ``key`` inside ``path``, as error messages name it (``weeks[0].title``)."""
    return f"{path}.{key}" if path else key


def path_index(path: str, position: int) -> str:
    """The path of the entry at ``position`` in the list at ``path``."""
    return f"{path}[{position}]"


class FieldReader:
    """Reads a definition's raw data, collecting every error (``errors``) instead of stopping at one.

    Each typed reader returns None when the key is absent (``fields`` reported a required one)
    or the value is wrong (reported by the reader).
    """

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{self.source_name}: {path or '(top level)'}: {message}")

    def fields(
        self,
        raw: Any,
        path: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        unknown: str = "unknown key",
    ) -> dict | None:
        if not isinstance(raw, dict):
            self.fail(path, "must be a mapping of keys to values")
            return None
        for key in required:
            if key not in raw:
                self.fail(path_at(path, key), "missing")
        for key in raw:
            if key not in required and key not in optional:
                self.fail(path_at(path, str(key)), unknown)
        return raw

    def one_of_keys(self, raw: dict, path: str, keys: tuple[str, ...]) -> str | None:
        present = [key for key in keys if key in raw]
        if len(present) != 1:
            self.fail(path, "needs exactly one of: " + ", ".join(keys))
            return None
        return present[0]

    def checked(self, raw: dict, key: str, path: str, fits: Callable[[Any], bool], problem: str) -> Any:
        """``raw[key]`` when it fits; None when absent (``fields`` reports that) or not fitting (reported here)."""
        if key not in raw:
            return None
        if not fits(raw[key]):
            self.fail(path_at(path, key), problem.format(value=raw[key]))
            return None
        return raw[key]

    def identifier(self, raw: dict, key: str, path: str, pattern: re.Pattern = IDENTIFIER) -> str | None:
        return self.checked(
            raw,
            key,
            path,
            lambda value: isinstance(value, str) and bool(pattern.match(value)) and len(value) <= MAX_IDENTIFIER,
            "{value!r} must be lower-case letters, digits and _ (quote it in YAML), at most "
            f"{MAX_IDENTIFIER} characters",
        )

    def integer(self, raw: dict, key: str, path: str, minimum: int = 0) -> int | None:
        return self.checked(
            raw,
            key,
            path,
            lambda value: type(value) is int and value >= minimum,
            f"{{value!r}} must be a whole number of at least {minimum}",
        )

    def number(self, raw: dict, key: str, path: str) -> Number | None:
        value = self.checked(raw, key, path, lambda value: type(value) in (int, float), "{value!r} must be a number")
        # Through str so that 2.3 in the file is exactly 2.3, not its binary neighbour.
        return Decimal(str(value)) if isinstance(value, float) else value

    def boolean(self, raw: dict, key: str, path: str) -> bool | None:
        return self.checked(raw, key, path, lambda value: isinstance(value, bool), "must be true or false")

    def plain_text(self, raw: dict, key: str, path: str) -> str | None:
        return self.checked(
            raw, key, path, lambda value: isinstance(value, str) and bool(value.strip()), "must be a non-empty text"
        )

    def text(self, raw: dict, key: str, path: str) -> Text | None:
        """A text in sv, fi and en, each non-empty."""
        if key not in raw:
            return None
        where = path_at(path, key)
        found = self.fields(raw[key], where, LANGUAGES, unknown="unknown language (use sv, fi and en)")
        if found is None:
            return None
        return {language: (self.plain_text(found, language, where) or "").strip() for language in LANGUAGES}

    def credit_text(self, raw: dict, key: str, path: str) -> Text | None:
        """A text for professionals (source, licence, attribution): in sv, fi and en, or one text for all."""
        if isinstance(raw.get(key), str):
            text = (self.plain_text(raw, key, path) or "").strip()
            return dict.fromkeys(LANGUAGES, text)
        return self.text(raw, key, path)

    def one_word(self, raw: dict, key: str, path: str, allowed: tuple[str, ...]) -> str | None:
        return self.checked(
            raw, key, path, lambda value: value in allowed, "{value!r} must be one of: " + ", ".join(allowed)
        )

    def entries(self, raw: dict, key: str, path: str, at_least: int = 0) -> list[tuple[str, Any]]:
        """The entries of a list with their paths; an absent optional list is empty."""
        if key not in raw:
            return []
        value = raw[key]
        if not isinstance(value, list) or len(value) < at_least:
            self.fail(
                path_at(path, key), f"must be a list of at least {at_least} entries" if at_least else "must be a list"
            )
            return []
        return [(path_index(path_at(path, key), position), entry) for position, entry in enumerate(value)]

    def unique(self, seen: set[str] | Mapping[str, Any], value: str | None, path: str, what: str) -> bool:
        if value is None:
            return False
        if value in seen:
            self.fail(path, f"{what} {value!r} is defined twice")
            return False
        return True

    def validated(self, top: dict) -> dict[str, bool]:
        if "validated" not in top:
            return {}
        found = self.fields(top["validated"], "validated", LANGUAGES)
        if found is None:
            return {}
        return {language: bool(self.boolean(found, language, "validated")) for language in LANGUAGES}
