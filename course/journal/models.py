"""The leader's case for change, kept: the working draft and each explicit save."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models import UTCDateTime, owner_column, utcnow


class CaseDocument(db.Model):
    """One leader's case for change; `content` is the latest draft (title, sections, picks)."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One document per leader: the page reopens it where they left off.
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last explicit save

    versions: Mapped[list[CaseVersion]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True,
        order_by="CaseVersion.id.desc()",
    )


class CaseVersion(db.Model):
    """Each explicit save, kept whole; the form's key makes a double submit one version."""

    __tablename__ = "case_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("case_documents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = owner_column()
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(Text, default="")  # the Markdown, for the data download
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    document: Mapped[CaseDocument] = relationship(back_populates="versions")
