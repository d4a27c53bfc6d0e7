"""Information articles in three languages and the search documents built from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db

# Swedish and Finnish are required (Language Act 423/2003); English is optional.
REQUIRED_LANGUAGES = ("sv", "fi")


class Article(db.Model):
    """An information page: title, summary and body (the site-text format) per language, and what it is about."""

    __tablename__ = "information_article"
    __table_args__ = (
        CheckConstraint("age_from IS NULL OR age_to IS NULL OR age_from <= age_to", name="ages_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    topic: Mapped[str] = mapped_column(String(20), index=True)
    # Who the article is written for, space-separated codes of ``topics.AUDIENCES`` ("families young").
    audiences: Mapped[str] = mapped_column(String(60), default="families")
    # The children's ages in whole years the article is about; empty means any age.
    age_from: Mapped[int | None]
    age_to: Mapped[int | None]
    title_sv: Mapped[str] = mapped_column(String(200))
    title_fi: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    summary_sv: Mapped[str] = mapped_column(String(400), default="")
    summary_fi: Mapped[str] = mapped_column(String(400), default="")
    summary_en: Mapped[str] = mapped_column(String(400), default="")
    body_sv: Mapped[str] = mapped_column(Text)
    body_fi: Mapped[str] = mapped_column(Text)
    # Empty: English visitors read the Swedish article, with a note saying so.
    body_en: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()  # noqa: F821 - defined in auth.models
    documents: Mapped[list[SearchDocument]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def audience_codes(self) -> tuple[str, ...]:
        """The audiences as a tuple of codes."""
        return tuple(self.audiences.split())

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the article is written in: Swedish, Finnish, and English when it has an English text."""
        return (*REQUIRED_LANGUAGES, "en") if self.title_en and self.body_en else REQUIRED_LANGUAGES


class SearchDocument(db.Model):
    """The stemmed words of one article in one language, which the search looks in.

    On SQLite the migration keeps an FTS5 index of these rows up to date with
    triggers (``information_fts``, not a model: it is SQLite's own); on
    PostgreSQL a GIN index over their ``tsvector`` does the same job.
    """

    __tablename__ = "information_search"
    __table_args__ = (UniqueConstraint("article_id", "language"),)

    # An integer key of its own: FTS5 refers to its rows by it.
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("information_article.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title_terms: Mapped[str] = mapped_column(Text, default="")
    body_terms: Mapped[str] = mapped_column(Text, default="")

    article: Mapped[Article] = relationship(back_populates="documents")
