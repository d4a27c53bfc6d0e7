"""Finding information articles by words in Swedish, Finnish or English, whatever form the words are in.

Swedish and Finnish inflect: an article about "sömn" should be found by "sömnen",
one about "uni" by "unesta". Every word of an article and of a query is therefore
reduced to a *term* the same way: the Snowball stemmer of its language
(``snowballstemmer``, pure Python), then a few rules for what Snowball leaves
apart (see ``term``). Each article keeps one ``SearchDocument`` per language
holding its title's terms and its summary's and body's terms.

The database then does the matching, the same way on both: SQLite through an
FTS5 index the migration keeps in step with triggers, PostgreSQL through a GIN
index over ``to_tsvector('simple', …)``. Every query term of three letters or
more also matches longer terms that begin with it, so "sömn" finds
"sömnrutiner" and a word still being typed finds its article. The words of a
query must all be found; when no article has them all, articles with any of them
are shown. Articles whose title holds the words come first.

A query is a visitor's input: it is cut to ``MAX_QUERY`` characters and
``MAX_TERMS`` words, and only terms made of letters and digits ever reach the
database, each quoted, so no input can be read as search syntax.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from markupsafe import Markup, escape
from sqlalchemy import select, text

from core.i18n import FALLBACKS
from extensions import db

from .models import Article, SearchDocument
from .topics import TOPICS

MAX_QUERY = 200
MAX_TERMS = 8
# Longer "words" (a pasted address, a code) are cut; nobody types a 40-letter word to find it.
MAX_TERM_LENGTH = 40
EXCERPT_BEFORE, EXCERPT_AFTER = 60, 180

STEMMERS = {"sv": "swedish", "fi": "finnish", "en": "english"}
WORD = re.compile(r"[^\W_]+")
VOWELS = frozenset("aeiouyäöå")
# The article's text format (blueprints/site_texts/markup.py): links show their label, markers are not words.
LINK = re.compile(r"\[([^\[\]\n]+)\]\([^)\n]*\)")
LINE_MARKER = re.compile(r"^\s*(?:#{1,3}\s+|[-*•]\s+|\d{1,3}[.)]\s+)", re.MULTILINE)

# Snowball's stemmers keep state while they work, so each thread has its own.
_local = threading.local()


def _stemmer(language: str):
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(STEMMERS[language])
    return stemmers[language]


def words(source: str) -> list[str]:
    """The words of a text, lower-case, composed the same way whatever keyboard typed them."""
    return WORD.findall(unicodedata.normalize("NFC", source).lower())


@lru_cache(maxsize=65536)
def term(word: str, language: str) -> str:
    """The search term of one lower-case word: its stem, evened out where Snowball leaves forms apart.

    Swedish: ä and ö count as a and o, so that "nätter" meets "natt" (and "böcker"
    nearly "bok"); a definite "-et" goes, so that "barnets" and "barnet" meet "barn".
    Finnish: a noun ending in consonant + "si" is not the possessive "-si"
    ("lapsi" is "laps", like "lapsen"); "-minen" and "-misesta" meet ("nukkumin");
    and a final vowel goes, so that "uni" meets "unen" and "unesta". This
    joins a few unrelated words too, which only adds results; it never loses one.

    A word always gives the same term, and texts repeat their words: the terms are kept (a list
    of hundreds of hits stems each excerpt's words again).
    """
    word = word[:MAX_TERM_LENGTH]
    stem = _stemmer(language).stemWord(word)
    if language == "sv":
        stem = stem.replace("ä", "a").replace("ö", "o")
        if stem.endswith("et") and len(stem) >= 5:
            stem = stem[:-2]
    elif language == "fi":
        if len(word) > 3 and word.endswith("si") and word[-3] not in VOWELS and stem == word[:-2]:
            stem = word[:-1]
        if stem.endswith("is") and len(stem) >= 5:
            stem = stem[:-2] + "in"
        if len(stem) >= 3 and stem[-1] in VOWELS:
            stem = stem[:-1]
    return stem


def terms(source: str, language: str) -> list[str]:
    """The search terms of every word in ``source``, in order."""
    return [term(word, language) for word in words(source)]


def plain_text(source: str) -> str:
    """A text in the site-text format as plain words: links by their label, no heading or list markers."""
    return " ".join(LINE_MARKER.sub("", LINK.sub(r"\1", source)).split())


def shown_language(article: Article, language: str) -> str:
    """The language the article is shown in to a visitor of ``language``: their own, or the first fallback it has."""
    if language in article.languages:
        return language
    return next(code for code in FALLBACKS[language] if code in article.languages)


def index_article(article: Article) -> None:
    """Bring the article's search documents up to date with its texts; the view commits.

    One document per language the article is written in; a language whose text
    was removed loses its document, so English visitors no longer find it.
    """
    kept = {document.language: document for document in article.documents}
    for language in article.languages:
        document = kept.pop(language, None)
        if document is None:
            document = SearchDocument(language=language)
            article.documents.append(document)
        document.title_terms = " ".join(terms(getattr(article, f"title_{language}"), language))
        body = getattr(article, f"summary_{language}") + "\n" + plain_text(getattr(article, f"body_{language}"))
        document.body_terms = " ".join(terms(body, language))
    for document in kept.values():
        article.documents.remove(document)


@dataclass(frozen=True)
class QueryTerm:
    """One word of a visitor's query: its term, and whether longer terms starting with it match too."""

    term: str
    prefix: bool

    def matches(self, candidate: str) -> bool:
        """Whether a term of an article matches this one."""
        return candidate.startswith(self.term) if self.prefix else candidate == self.term


def parse_query(query: str | None, language: str) -> list[QueryTerm]:
    """The terms of a visitor's query; empty when it holds no word to look for.

    Single letters are dropped (they would match everything or nothing). Two-letter
    terms must match whole terms ("un" is Finnish sleep itself, not every word
    starting "un-"), except the last word, which the visitor may still be typing.
    """
    found: list[QueryTerm] = []
    raw = words((query or "")[:MAX_QUERY])
    for position, word in enumerate(raw):
        if len(word) < 2 and not word.isdigit():
            continue
        stem = term(word, language)
        last = position == len(raw) - 1
        item = QueryTerm(stem, prefix=len(stem) >= 3 or (last and len(stem) >= 2))
        if item not in found:
            found.append(item)
    return found[:MAX_TERMS]


def _fts5_query(query_terms: list[QueryTerm], operator: str) -> str:
    # Every term in double quotes (it holds only letters and digits), so nothing is FTS5 syntax.
    return f" {operator} ".join(f'"{item.term}"' + ("*" if item.prefix else "") for item in query_terms)


def _tsquery(query_terms: list[QueryTerm], operator: str) -> str:
    return f" {operator} ".join(f"'{item.term}'" + (":*" if item.prefix else "") for item in query_terms)


# The PostgreSQL index (migration 0023) is on exactly this expression, so the search uses it.
POSTGRES_VECTOR = (
    "(setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', body_terms), 'B'))"
)


def _matches(query_terms: list[QueryTerm], language: str, every: bool) -> list[tuple[int, str, str]]:
    """(article id, title terms, body terms) of the documents in ``language`` matching all or any terms, best first."""
    if db.engine.dialect.name == "postgresql":
        statement = text(
            f"SELECT article_id, title_terms, body_terms FROM information_search "
            f"WHERE language = :language AND {POSTGRES_VECTOR} @@ to_tsquery('simple', :query) "
            f"ORDER BY ts_rank({POSTGRES_VECTOR}, to_tsquery('simple', :query)) DESC, article_id"
        )
        query = _tsquery(query_terms, "&" if every else "|")
    else:
        # bm25: lower is better; a word in the title weighs ten times one in the text.
        statement = text(
            "SELECT s.article_id, s.title_terms, s.body_terms FROM information_fts "
            "JOIN information_search AS s ON s.id = information_fts.rowid "
            "WHERE information_fts MATCH :query AND s.language = :language "
            "ORDER BY bm25(information_fts, 10.0, 1.0), s.article_id"
        )
        query = _fts5_query(query_terms, "AND" if every else "OR")
    return [tuple(row) for row in db.session.execute(statement, {"query": query, "language": language})]


@dataclass(frozen=True)
class Filters:
    """What the visitor narrowed the list to; None means any."""

    topic: str | None = None
    audience: str | None = None
    age: int | None = None


def _filtered(filters: Filters):
    query = select(Article).where(Article.published)
    if filters.topic is not None:
        query = query.where(Article.topic == filters.topic)
    if filters.audience is not None:
        # Codes are whole words of the space-separated list; padding keeps "young" from matching inside another.
        query = query.where((" " + Article.audiences + " ").contains(f" {filters.audience} "))
    if filters.age is not None:
        query = query.where(
            (Article.age_from.is_(None) | (Article.age_from <= filters.age)),
            (Article.age_to.is_(None) | (Article.age_to >= filters.age)),
        )
    return query


@dataclass(frozen=True)
class Hit:
    """An article as the list shows it: in which language, with an excerpt (the matching words marked)."""

    article: Article
    language: str
    excerpt: Markup

    @property
    def title(self) -> str:
        """The title in the shown language."""
        return getattr(self.article, f"title_{self.language}")


def excerpt(article: Article, language: str, query_terms: list[QueryTerm]) -> Markup:
    """A short plain-text excerpt: around the first matching word, or the summary when nothing matches there."""
    summary = getattr(article, f"summary_{language}")
    source = (summary + " " + plain_text(getattr(article, f"body_{language}"))).strip()
    spans = []
    if query_terms:
        # Only the words up to the end of the excerpt matter: the rest of a long text is not stemmed.
        for found in WORD.finditer(source):
            if spans and found.start() > spans[0][0] + EXCERPT_AFTER:
                break
            if any(item.matches(term(found.group(0).lower(), language)) for item in query_terms):
                spans.append(found.span())
    if not spans:
        return _cut(summary or source, 0, EXCERPT_BEFORE + EXCERPT_AFTER, [])
    start = max(0, spans[0][0] - EXCERPT_BEFORE)
    return _cut(source, start, spans[0][0] + EXCERPT_AFTER, spans)


def _cut(source: str, start: int, end: int, spans: list[tuple[int, int]]) -> Markup:
    """``source`` from ``start`` to ``end``, moved to whole words, with "…" where cut and matches in <mark>."""
    if start > 0:
        space = source.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    if end < len(source):
        space = source.rfind(" ", start, end)
        end = space if space > start else end
    parts: list[Markup] = [Markup("…")] if start > 0 else []
    position = start
    for first, last in spans:
        if first < position or last > end:
            continue
        parts += [escape(source[position:first]), Markup("<mark>{}</mark>").format(source[first:last])]
        position = last
    parts.append(escape(source[position:end]))
    if end < len(source):
        parts.append(Markup("…"))
    return Markup("").join(parts)


def find(language: str, query: str | None = None, filters: Filters | None = None) -> list[Hit]:
    """The published articles a visitor of ``language`` is shown: matching ``query`` when given, best first,
    otherwise the newest first; always narrowed by ``filters``.
    """
    filters = filters or Filters()
    query_terms = parse_query(query, language)
    if not query_terms:
        articles = db.session.scalars(_filtered(filters).order_by(Article.updated_at.desc(), Article.id)).all()
        return [_hit(article, language, []) for article in articles]
    matches = _matches(query_terms, language, every=True)
    if not matches and len(query_terms) > 1:
        matches = _matches(query_terms, language, every=False)
    if not matches:
        return []
    articles = {
        article.id: article
        for article in db.session.scalars(_filtered(filters).where(Article.id.in_([row[0] for row in matches])))
    }

    def title_hits(row) -> int:
        title_terms = row[1].split()
        return sum(any(item.matches(candidate) for candidate in title_terms) for item in query_terms)

    # Python's sort is stable: within the same number of title hits the database's own ranking stays.
    ordered = sorted((row for row in matches if row[0] in articles), key=lambda row: -title_hits(row))
    return [_hit(articles[row[0]], language, query_terms) for row in ordered]


def _hit(article: Article, language: str, query_terms: list[QueryTerm]) -> Hit:
    shown = shown_language(article, language)
    return Hit(article, shown, excerpt(article, shown, query_terms))


def latest(language: str, count: int) -> list[Hit]:
    """The ``count`` most recently updated published articles, for the front page."""
    query = _filtered(Filters()).order_by(Article.updated_at.desc(), Article.id).limit(count)
    return [_hit(article, language, []) for article in db.session.scalars(query)]


def topics_in_use() -> list[str]:
    """The codes of the topics that have published articles, in the fixed order of ``topics.TOPICS``."""
    used = set(db.session.scalars(select(Article.topic).where(Article.published).distinct()))
    return [code for code in TOPICS if code in used]
