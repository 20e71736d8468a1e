"""Tables of the result store (SQLite by default, PostgreSQL by URL; one schema).

runs ─┬─ run_sites ─┬─ pages ─┬─ findings
      │             │         └─ screenshots (one per site and fingerprint)
      │             ├─ documents
      │             └─ site_samples (what was audited: method, seed, template groups)
      └─ organisations (by id, shared across runs)

Schema versions: 1, the first; 2 adds ``screenshots``; 3 adds ``site_samples``. A store
of an older version is upgraded in place when a crawl opens it: missing tables are
created and missing columns added (store/database.py), nothing else changes. So a new
version may only add tables and columns; a new column must be nullable (or have a
server default), and readers take NULL as "not recorded by the run that stored it".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 3
#: Older versions a crawl upgrades by creating the tables and columns they lack.
ADDITIVE_UPGRADES_FROM = tuple(range(1, SCHEMA_VERSION))


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    # running | finished | failed | interrupted
    status: Mapped[str] = mapped_column(String(20))
    tool_version: Mapped[str] = mapped_column(String(40))
    engines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    browser: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(Text)


class RunSite(Base):
    __tablename__ = "run_sites"
    __table_args__ = (UniqueConstraint("run_id", "organisation_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    url: Mapped[str] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("run_sites.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[Optional[int]] = mapped_column(Integer)
    title: Mapped[Optional[str]] = mapped_column(Text)
    error: Mapped[Optional[str]] = mapped_column(Text)
    depth: Mapped[int] = mapped_column(Integer, default=0)
    redirects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_type: Mapped[Optional[str]] = mapped_column(String(200))
    fetch_ms: Mapped[Optional[int]] = mapped_column(Integer)
    render_ms: Mapped[Optional[int]] = mapped_column(Integer)
    audit_ms: Mapped[Optional[int]] = mapped_column(Integer)
    # engine name → {"version", "passes", "inapplicable", "error"}
    engines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    audited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    engine: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(String(20))
    impact: Mapped[Optional[str]] = mapped_column(String(20))
    wcag: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    selector: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    help: Mapped[str] = mapped_column(Text, default="")
    help_url: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64))


Index("ix_findings_run_fingerprint", FindingRow.run_id, FindingRow.fingerprint)


class ScreenshotRow(Base):
    """A picture of one grouped issue's element on one site in one run (audits/screenshots.py),
    taken on the first page that showed it."""

    __tablename__ = "screenshots"
    __table_args__ = (UniqueConstraint("site_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("run_sites.id", ondelete="CASCADE"))
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SiteSample(Base):
    """What a crawl of one site audited (crawler/sampling.py ``Sampler.record``): the method
    ("full" or "template sample"), parameters, seed, and per URL-pattern group the pages
    discovered, audited (structured / random) and the DOM structures seen."""

    __tablename__ = "site_samples"

    site_id: Mapped[int] = mapped_column(ForeignKey("run_sites.id", ondelete="CASCADE"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(40))
    record: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("run_sites.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    content_type: Mapped[Optional[str]] = mapped_column(String(200))
    status: Mapped[Optional[int]] = mapped_column(Integer)
    size: Mapped[Optional[int]] = mapped_column(Integer)
    checks: Mapped[list[Any]] = mapped_column(JSON, default=list)


class Meta(Base):
    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
