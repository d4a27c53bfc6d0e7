"""Programme definitions: read a programme's YAML file and its images, check every part, build typed objects.

A programme lives in a folder: ``programme.yaml`` and the images it names (``images/…``). The
format is described for authors in ``docs/programmes.md``; every problem is reported at once,
named by file and path (``programme.yaml: weeks[1].blocks[2].exercise.questions[0].text.fi:
missing``). Texts use the safe text format of site texts (``site_texts.markup``): no HTML ever
reaches a page from a definition. No Flask here: plain domain code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from core.definition_files import (
    LANGUAGES,
    FieldReader,
    ProblemList,
    Text,
    parse_yaml,
    path_at,
    read_definition_text,
)

from ..site_texts.markup import refused_links

DEFINITION_FILE = "programme.yaml"
BLOCK_KINDS = ("text", "image", "video", "exercise", "checklist", "task")
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
# What the first bytes of each image type are, so a renamed file of another kind is refused.
IMAGE_SIGNATURES = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",), "image/webp": (b"RIFF",)}
MAX_IMAGE_BYTES = 1_000_000
MAX_IMAGE_NAME = 200  # the stored name's column
MAX_TEXT_LENGTH = 5_000
MAX_WEEKS = 52
VIDEO_ADDRESS = re.compile(r"https://[^\s<>\"'`]+\Z")


class ProgrammeError(ProblemList):
    """A programme that cannot be used; ``errors`` names file and path for each problem."""


@dataclass(frozen=True)
class Prompt:
    """A reflection question of an exercise, or an item of a checklist."""

    id: str
    text: Text


@dataclass(frozen=True)
class Block:
    """One piece of a week's content, shown in file order.

    ``kind`` is one of BLOCK_KINDS. Texts (``text``, ``task``) are in the safe text format;
    an image names its ``file``; an exercise or checklist has an ``id`` and its ``prompts``
    (questions answered in words, or items ticked off).
    """

    kind: str
    text: Text | None = None
    title: Text | None = None
    file: str = ""
    alt: Text | None = None
    caption: Text | None = None
    url: str = ""
    id: str = ""
    prompts: tuple[Prompt, ...] = ()

    @property
    def answerable(self) -> bool:
        """Whether the family writes or ticks something here (an exercise or a checklist)."""
        return self.kind in ("exercise", "checklist")


@dataclass(frozen=True)
class Week:
    """One week of a programme: its number (from 1), title and content."""

    number: int
    title: Text
    blocks: tuple[Block, ...]

    @property
    def answerable_blocks(self) -> tuple[Block, ...]:
        """The exercises and checklists of the week."""
        return tuple(block for block in self.blocks if block.answerable)


@dataclass(frozen=True)
class FollowUp:
    """The screening questionnaire sent again: at the end, and half-way when ``midway``."""

    instrument: str
    midway: bool


@dataclass(frozen=True)
class Programme:
    """A checked programme: everything needed to show it and keep a family's answers.

    ``images`` maps each image file named in the definition to its content type and bytes.
    ``data`` is the definition as read, what ``canonical_text`` stores.
    """

    id: str
    version: int
    title: Text
    summary: Text
    source: Text
    licence: Text
    validated: Mapping[str, bool]
    age_years: tuple[int, int] | None
    coached: bool
    follow_up: FollowUp | None
    weeks: tuple[Week, ...]
    images: Mapping[str, tuple[str, bytes]] = field(repr=False, compare=False)
    data: Mapping[str, Any] = field(repr=False, compare=False)

    def week(self, number: int) -> Week | None:
        """Week ``number`` (from 1), or None when the programme has no such week."""
        return self.weeks[number - 1] if 1 <= number <= len(self.weeks) else None

    def block(self, block_id: str) -> tuple[Week, Block] | None:
        """The exercise or checklist called ``block_id`` and its week, or None."""
        for week in self.weeks:
            for block in week.answerable_blocks:
                if block.id == block_id:
                    return week, block
        return None


class _ProgrammeReader(FieldReader):
    """Reads one programme's raw data; ``images`` is how to fetch a named image (None for a stored text)."""

    def __init__(self, source_name: str, folder: Path | None) -> None:
        super().__init__(source_name)
        self.folder = folder
        self.block_ids: set[str] = set()
        self.images: dict[str, tuple[str, bytes]] = {}

    def formatted(self, raw: dict, key: str, path: str) -> Text | None:
        """A text in sv, fi and en in the safe text format: not too long, no refused links."""
        text = self.text(raw, key, path)
        for language, value in (text or {}).items():
            where = path_at(path_at(path, key), language)
            if len(value) > MAX_TEXT_LENGTH:
                self.fail(where, f"is {len(value)} characters long; at most {MAX_TEXT_LENGTH}")
            for link in refused_links(value):
                self.fail(where, f"link {link!r} is not allowed (use https://, mailto:, tel: or a path on this site)")
        return text

    def read(self, raw: Any) -> Programme:
        """Read a whole programme; raise ProgrammeError listing every problem."""
        top = self.fields(
            raw,
            "",
            ("id", "version", "title", "summary", "source", "licence", "validated", "coached", "weeks"),
            ("age_years", "follow_up"),
        )
        if top is None:
            raise ProgrammeError(self.errors)
        programme_id = self.identifier(top, "id", "")
        version = self.integer(top, "version", "", minimum=1)
        title, summary = self.text(top, "title", ""), self.text(top, "summary", "")
        source, licence = self.credit_text(top, "source", ""), self.credit_text(top, "licence", "")
        validated = self.validated(top)
        coached = self.boolean(top, "coached", "")
        age_years = self.age_years(top)
        follow_up = self.follow_up(top)
        entries = self.entries(top, "weeks", "", at_least=1)
        if len(entries) > MAX_WEEKS:
            self.fail("weeks", f"has {len(entries)} weeks; at most {MAX_WEEKS}")
        weeks = tuple(self.week(entry, path, number) for number, (path, entry) in enumerate(entries, start=1))
        if self.errors:
            raise ProgrammeError(self.errors)
        return Programme(
            id=programme_id,
            version=version,
            title=title,
            summary=summary,
            source=source,
            licence=licence,
            validated=validated,
            age_years=age_years,
            coached=coached,
            follow_up=follow_up,
            weeks=weeks,
            images=dict(self.images),
            data=raw,
        )

    def age_years(self, top: dict) -> tuple[int, int] | None:
        if "age_years" not in top:
            return None
        found = self.fields(top["age_years"], "age_years", ("from", "to"))
        if found is None:
            return None
        start, end = self.integer(found, "from", "age_years"), self.integer(found, "to", "age_years")
        if start is None or end is None:
            return None
        if end < start or end > 18:
            self.fail("age_years", "needs from ≤ to ≤ 18")
            return None
        return start, end

    def follow_up(self, top: dict) -> FollowUp | None:
        if "follow_up" not in top:
            return None
        found = self.fields(top["follow_up"], "follow_up", ("instrument",), ("midway",))
        if found is None:
            return None
        instrument = self.identifier(found, "instrument", "follow_up")
        midway = self.boolean(found, "midway", "follow_up") if "midway" in found else False
        return FollowUp(instrument, bool(midway)) if instrument else None

    def week(self, raw: Any, path: str, number: int) -> Week:
        found = self.fields(raw, path, ("title", "blocks"))
        if found is None:
            return Week(number, {}, ())
        blocks = tuple(
            block
            for block_path, entry in self.entries(found, "blocks", path, at_least=1)
            if (block := self.block(entry, block_path)) is not None
        )
        return Week(number, self.text(found, "title", path) or {}, blocks)

    def block(self, raw: Any, path: str) -> Block | None:
        found = self.fields(
            raw, path, (), BLOCK_KINDS, unknown="unknown block kind (use " + ", ".join(BLOCK_KINDS) + ")"
        )
        if found is None:
            return None
        kind = self.one_of_keys(found, path, BLOCK_KINDS)
        if kind is None:
            return None
        if kind in ("text", "task"):
            return Block(kind, text=self.formatted(found, kind, path))
        where = path_at(path, kind)
        return getattr(self, kind)(found[kind], where)

    def image(self, raw: Any, path: str) -> Block | None:
        found = self.fields(raw, path, ("file", "alt"), ("caption",))
        if found is None:
            return None
        name = self.plain_text(found, "file", path)
        alt, caption = self.text(found, "alt", path), self.text(found, "caption", path) if "caption" in found else None
        if name is not None:
            self.load_image(name, path_at(path, "file"))
        return Block("image", file=name or "", alt=alt, caption=caption)

    def load_image(self, name: str, path: str) -> None:
        """Read the image file ``name`` from the programme's folder, checking where it is and what it is."""
        relative = PurePosixPath(name)
        content_type = IMAGE_TYPES.get(relative.suffix.lower())
        if relative.is_absolute() or ".." in relative.parts or "\\" in name or len(name) > MAX_IMAGE_NAME:
            self.fail(path, f"{name!r} must be a path inside the programme's folder, such as images/chart.png")
            return
        if content_type is None:
            self.fail(path, f"{name!r} must be a PNG, JPEG or WebP image (.png, .jpg, .jpeg, .webp)")
            return
        if self.folder is None:
            return  # a stored text: its images are stored beside it
        try:
            data = (self.folder / relative).read_bytes()
        except OSError as problem:
            self.fail(path, f"{name!r} cannot be read ({problem.strerror})")
            return
        if len(data) > MAX_IMAGE_BYTES:
            self.fail(path, f"{name!r} is {len(data):,} bytes; at most {MAX_IMAGE_BYTES:,}")
        elif not data.startswith(IMAGE_SIGNATURES[content_type]):
            self.fail(path, f"{name!r} is not a {content_type.removeprefix('image/').upper()} image")
        else:
            self.images[name] = (content_type, data)

    def video(self, raw: Any, path: str) -> Block | None:
        found = self.fields(raw, path, ("url", "title"))
        if found is None:
            return None
        url = self.checked(
            found,
            "url",
            path,
            lambda value: isinstance(value, str) and bool(VIDEO_ADDRESS.match(value)),
            "{value!r} must be an https:// address without spaces or quotes",
        )
        return Block("video", url=url or "", title=self.text(found, "title", path))

    def exercise(self, raw: Any, path: str) -> Block | None:
        return self.answerable(raw, path, "exercise", "questions")

    def checklist(self, raw: Any, path: str) -> Block | None:
        return self.answerable(raw, path, "checklist", "items")

    def answerable(self, raw: Any, path: str, kind: str, list_key: str) -> Block | None:
        found = self.fields(raw, path, ("id", "title", list_key))
        if found is None:
            return None
        block_id = self.identifier(found, "id", path)
        if self.unique(self.block_ids, block_id, path_at(path, "id"), "exercise or checklist"):
            self.block_ids.add(block_id)
        prompts, seen = [], set()
        for prompt_path, entry in self.entries(found, list_key, path, at_least=1):
            prompt = self.fields(entry, prompt_path, ("id", "text"))
            if prompt is None:
                continue
            prompt_id = self.identifier(prompt, "id", prompt_path)
            if self.unique(seen, prompt_id, path_at(prompt_path, "id"), "question or item"):
                seen.add(prompt_id)
            prompts.append(Prompt(prompt_id or "", self.text(prompt, "text", prompt_path) or {}))
        return Block(kind, id=block_id or "", title=self.text(found, "title", path), prompts=tuple(prompts))


def load_folder(folder: str | Path) -> Programme:
    """Read and check the programme in ``folder`` (its programme.yaml and images).

    Raises ProgrammeError (every problem, each naming file and path) or OSError.
    """
    folder = Path(folder)
    source_name = f"{folder.name}/{DEFINITION_FILE}"
    text = read_definition_text(folder / DEFINITION_FILE, source_name, ProgrammeError)
    data = parse_yaml(text, source_name, ProgrammeError)
    return _ProgrammeReader(source_name, folder).read(data)


def parse_stored(text: str, source_name: str, images: Mapping[str, tuple[str, bytes]]) -> Programme:
    """Read a stored programme text with its stored images."""
    programme = _ProgrammeReader(source_name, None).read(parse_yaml(text, source_name, ProgrammeError))
    return Programme(**{**programme.__dict__, "images": dict(images)})


def canonical_text(programme: Programme) -> str:
    """The text that is stored for a programme: its data, without the file's comments and layout."""
    return yaml.safe_dump(dict(programme.data), allow_unicode=True, sort_keys=False, width=100)


def languages_not_validated(programme: Programme) -> list[str]:
    """The languages whose texts are not a validated translation (shown to families and coaches)."""
    return [language for language in LANGUAGES if not programme.validated.get(language, False)]
