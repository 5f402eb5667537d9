"""Leader views: the case for change, kept as the leader's document (draft, versions, Word)."""

from __future__ import annotations

import secrets
from functools import wraps

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from course.access import leader_required
from course.extensions import csrf, db
from course.journal import case as cases
from course.journal import document as documents
from course.journal.journal import build_journal, format_number
from course.journal.word import case_docx, docx_filename
from course.learn import bp
from course.learn.journal_views import catalog, markdown_download
from course.models import utcnow
from course.timezones import to_local

ROWS = {"rows": 6}
SECTION_HELP = {
    "situation": "Where your organisation is now, and why it matters.",
    "tried": "The small experiments you ran.",
    "happened": "What you noticed, with any numbers.",
    "propose": "The next step you are asking for.",
}
LIMIT = [Length(max=documents.MAX_SECTION)]


class CaseForm(FlaskForm):
    """The case's own words; which journal items it quotes travels beside it as `pick`."""

    title = StringField("Title", default="A case for change",
                        validators=[DataRequired("Give the document a title."),
                                    Length(max=documents.MAX_TITLE)])
    situation = TextAreaField("Situation", description=SECTION_HELP["situation"],
                              render_kw=ROWS, validators=LIMIT)
    tried = TextAreaField("What I tried", description=SECTION_HELP["tried"], render_kw=ROWS,
                          validators=LIMIT)
    happened = TextAreaField("What happened", description=SECTION_HELP["happened"],
                             render_kw=ROWS, validators=LIMIT)
    propose = TextAreaField("What I propose", description=SECTION_HELP["propose"],
                            render_kw=ROWS, validators=LIMIT)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any((self[key].data or "").strip() for key, _ in cases.SECTIONS):
            self.situation.errors = [*self.situation.errors,
                                     "Write at least one section (or fill them from your "
                                     "choices)."]
            valid = False
        return valid

    def sections(self) -> dict[str, str]:
        return {key: self[key].data or "" for key, _ in cases.SECTIONS}


def keep_words_when_signed_out(view):
    """Leaders only; a POST from a browser whose session ended re-shows what was typed."""
    guarded = leader_required(view)

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST" and not current_user.is_authenticated:
            keys = [k for k in request.form.getlist("pick")[:cases.MAX_PICKS] if len(k) <= 20]
            uses = {k: request.form.get(cases.use_field(k), "") for k in keys}
            return render_template("learn/case_signed_out.html", form=CaseForm(),
                                   keys=keys, uses=uses), 401
        return guarded(*args, **kwargs)

    return wrapped


def _csrf_ok() -> bool:
    """The form's own token is good (the view is exempt so a stale one re-shows the words)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def _case_form_page(form, picks, status=200, kept=()):
    chosen = {pick.item.key for pick in picks}
    uses = {**cases.sent_uses(request.form), **cases.uses_of(picks)}
    return render_template(
        "learn/case_form.html", form=form, journal=build_journal(current_user.id, catalog()),
        chosen=chosen, uses=uses, kept=kept, sections=cases.SECTIONS,
        default_use=cases.DEFAULT_USE, stored=documents.get_document(current_user.id),
        form_key=secrets.token_hex(16),
    ), status


def _stored_case(stored):
    """The kept document rebuilt from its draft, dated the day it was last changed."""
    form = CaseForm(formdata=documents.form_data(stored.content))
    picks = documents.stored_picks(current_user.id, catalog(), stored.content)
    made_on = to_local(stored.saved_at or stored.updated_at).date()
    return cases.build_case(form.title.data or "", form.sections(), picks, current_user.name,
                            made_on, catalog())


def _keep_draft(filled: dict | None = None) -> None:
    """Every POST with a good token keeps the form as the draft: nothing typed is lost."""
    try:
        content = documents.content_from_form(request.form)
    except documents.DocumentError:
        return  # too long to keep: the form's own validation names the field
    content["sections"].update(filled or {})
    documents.save_draft(current_user.id, content)
    db.session.commit()


@bp.route("/case-for-change", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one re-shows the words typed
@keep_words_when_signed_out
def case():
    """Write the case from journal items; kept as a draft, saved versions on Save."""
    if request.method == "GET":
        stored = documents.get_document(current_user.id)
        if stored is None or not stored.content:
            return _case_form_page(CaseForm(formdata=None), [])
        picks = documents.stored_picks(current_user.id, catalog(), stored.content)
        return _case_form_page(CaseForm(formdata=documents.form_data(stored.content)), picks)
    form = CaseForm()
    picks = cases.read_picks(current_user.id, catalog(), request.form)
    action = request.form.get("action")
    trusted = _csrf_ok()  # only a good token may change what is stored
    if action == "prefill":
        filled, kept = cases.prefill(form.sections(), picks)
        for key, value in filled.items():
            form[key].data = value
        if trusted:
            _keep_draft(filled)
        return _case_form_page(form, picks, kept=kept)
    if trusted:
        _keep_draft()
    if action == "edit" or not form.validate():
        return _case_form_page(form, picks, 422 if form.errors else 200)
    made = cases.build_case(form.title.data or "", form.sections(), picks, current_user.name,
                            to_local(utcnow()).date(), catalog())
    documents.save_version(current_user.id, documents.content_from_form(request.form),
                           cases.case_markdown(made), request.form.get("form_key"))
    db.session.commit()
    flash("Your case for change is saved.", "success")
    # Post, redirect, get: Back never asks to send the form again.
    return redirect(url_for("learn.case_document"), 303)


@bp.post("/case-for-change/draft")
@leader_required
def case_draft():
    """Autosave: keep the form's latest text (no version); answers JSON for autosave.js."""
    try:
        stored = documents.save_draft(current_user.id,
                                      documents.content_from_form(request.form))
    except documents.DocumentError as error:
        return {"status": "error", "error": str(error)}, 400
    db.session.commit()
    return {"status": "saved", "saved_at": stored.updated_at.isoformat(timespec="seconds")}


@bp.get("/case-for-change/document")
@leader_required
def case_document():
    """The kept document, ready to print, save as PDF or download as Word."""
    stored = documents.get_document(current_user.id)
    if stored is None or not stored.content:
        return redirect(url_for("learn.case"))
    return render_template("learn/case_document.html", document=_stored_case(stored),
                           stored=stored, versions=documents.versions_of(current_user.id),
                           number=format_number)


@bp.get("/case-for-change.docx")
@leader_required
def case_word():
    """The kept document as a Word file."""
    stored = documents.get_document(current_user.id)
    if stored is None or not stored.content:
        return redirect(url_for("learn.case"))
    made = _stored_case(stored)
    return Response(case_docx(made), headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument."
                        "wordprocessingml.document",
        "Content-Disposition": f'attachment; filename="{docx_filename(made.made_on)}"',
    })


@bp.route("/case-for-change.md", methods=["GET", "POST"])
@csrf.exempt  # as above: an expired token re-shows the form, nothing is lost
@keep_words_when_signed_out
def case_markdown():
    """The case as Markdown: the kept document (GET) or the form as sent (POST)."""
    if request.method == "GET":
        stored = documents.get_document(current_user.id)
        if stored is None or not stored.content:
            return redirect(url_for("learn.case"))
        made = _stored_case(stored)
        return markdown_download(cases.case_markdown(made),
                                 cases.markdown_filename(made.made_on))
    form = CaseForm()
    picks = cases.read_picks(current_user.id, catalog(), request.form)
    if not form.validate():
        return _case_form_page(form, picks, 422)
    made = cases.build_case(form.title.data or "", form.sections(), picks, current_user.name,
                            to_local(utcnow()).date(), catalog())
    return markdown_download(cases.case_markdown(made), cases.markdown_filename(made.made_on))
