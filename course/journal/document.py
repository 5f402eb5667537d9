"""The leader's kept case for change: the draft saved as they type, versions on each save.

What the form holds is kept as plain values (title, sections, chosen items and where each
goes), so the page reopens where the leader left off and the document can be rebuilt.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from course.access import mine
from course.content import Catalog
from course.extensions import db
from course.idempotency import MAX_FORM_KEY, add_once, check_form_key, insert_if_missing
from course.journal.case import DEFAULT_USE, KINDS, MAX_PICKS, SECTIONS, USES, Pick, use_field
from course.journal.models import CaseDocument, CaseVersion
from course.models import utcnow
from course.numbers import parse_int

MAX_TITLE = 200
MAX_SECTION = 10_000
SECTION_KEYS = tuple(key for key, _ in SECTIONS)


class DocumentError(ValueError):
    """The draft cannot be kept as sent (too long, or a form that is out of date)."""


def content_from_form(form: MultiDict) -> dict:
    """The case form's values as the stored draft: nothing but plain, bounded strings."""
    picks = [k for k in dict.fromkeys(form.getlist("pick")) if len(k) <= 20][:MAX_PICKS]
    uses = {
        name[len("use-"):]: value for name, value in form.items()
        if name.startswith("use-") and len(name) <= 24 and value in USES
    }
    content = {
        "title": form.get("title", ""),
        "sections": {key: form.get(key, "") for key in SECTION_KEYS},
        "picks": picks,
        "uses": dict(list(uses.items())[:MAX_PICKS]),
    }
    if len(content["title"]) > MAX_TITLE or any(
        len(text) > MAX_SECTION for text in content["sections"].values()
    ):
        raise DocumentError("Too long to keep as a draft; shorten it and press Save.")
    return content


def form_data(content: dict) -> MultiDict:
    """A stored draft as the form would send it (to fill the form or rebuild the picks)."""
    data = MultiDict({"title": content.get("title", "")})
    for key in SECTION_KEYS:
        data[key] = content.get("sections", {}).get(key, "")
    for key in content.get("picks", []):
        data.add("pick", key)
    for key, use in content.get("uses", {}).items():
        data[use_field(key)] = use
    return data


def get_document(user_id: int) -> CaseDocument | None:
    """The leader's own document, if they have started one."""
    return db.session.scalar(mine(CaseDocument, user_id))


def _document_for(user_id: int) -> CaseDocument:
    # One row per leader, created race-safely: two autosaves at once make one document.
    insert_if_missing(CaseDocument, ["user_id"], user_id=user_id, title="", content={},
                      created_at=utcnow(), updated_at=utcnow())
    return db.session.scalar(mine(CaseDocument, user_id).execution_options(populate_existing=True))


def save_draft(user_id: int, content: dict) -> CaseDocument:
    """Keep the latest text of the form (no version): what autosave and every POST do."""
    document = _document_for(user_id)
    document.title = content["title"][:MAX_TITLE]
    document.content = content
    document.updated_at = utcnow()
    db.session.flush()
    return document


def save_version(user_id: int, content: dict, markdown: str, form_key: str | None) -> CaseVersion:
    """An explicit save: the draft, plus a kept version (once per rendered form)."""
    key = check_form_key(form_key, DocumentError, MAX_FORM_KEY)
    document = save_draft(user_id, content)
    find = (lambda k: db.session.scalar(  # noqa: E731 (the look-up add_once needs)
        mine(CaseVersion, user_id).where(CaseVersion.form_key == k)))
    if key is not None and (kept := find(key)) is not None:
        return kept
    version = CaseVersion(document_id=document.id, user_id=user_id, title=document.title,
                          content=content, text=markdown, form_key=key, created_at=utcnow())
    kept = add_once(version, find)
    document.saved_at = (kept or version).created_at
    db.session.flush()
    return kept or version


def versions_of(user_id: int) -> list[CaseVersion]:
    """The leader's saved versions, newest first."""
    return list(db.session.scalars(mine(CaseVersion, user_id).order_by(CaseVersion.id.desc())))


def stored_picks(user_id: int, catalog: Catalog, content: dict) -> list[Pick]:
    """The chosen journal items, still the leader's; one deleted since is left out."""
    picks = []
    for key in content.get("picks", []):
        kind = KINDS.get(key[:1])
        item_id = parse_int(key[1:])
        if kind is None or item_id is None:
            continue
        model, to_item = kind
        row = db.session.scalar(mine(model, user_id).where(model.id == item_id))
        if row is None:
            continue
        item = to_item(row, catalog)
        if item.text.strip():
            use = content.get("uses", {}).get(key)
            picks.append(Pick(item, use if use in USES else DEFAULT_USE[item.kind]))
    return picks

