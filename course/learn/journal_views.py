"""Leader views: my journal (search, Markdown) and the case for change (HTML, Markdown)."""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Response, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from course.access import leader_required
from course.extensions import csrf
from course.journal import case as cases
from course.journal.journal import (
    build_journal,
    format_number,
    highlight,
    journal_markdown,
    search_pattern,
)
from course.learn import bp

MAX_SECTION = 10_000
ROWS = {"rows": 6}
SECTION_HELP = {
    "situation": "Where your organisation is now, and why it matters.",
    "tried": "The small experiments you ran.",
    "happened": "What you noticed, with any numbers.",
    "propose": "The next step you are asking for.",
}


def catalog():
    """The course loaded at start-up."""
    return current_app.extensions["catalog"]


def markdown_download(text: str, filename: str) -> Response:
    """A Markdown file to save, never shown as a web page."""
    return Response(text, content_type="text/markdown; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


@bp.get("/journal")
@leader_required
def journal():
    """Every reflection and experiment entry, by module and lesson; searchable."""
    query = request.args.get("q", "")
    found = build_journal(current_user.id, catalog(), query)
    pattern = search_pattern(query)
    return render_template("learn/journal.html", journal=found, number=format_number,
                           mark=lambda text: highlight(text, pattern))


@bp.get("/journal.md", endpoint="journal_markdown")
@leader_required
def journal_download():
    """The whole journal as a Markdown file."""
    today = date.today()
    text = journal_markdown(build_journal(current_user.id, catalog()), current_user.name, today)
    return markdown_download(text, f"clearing-journal-{today.isoformat()}.md")


class CaseForm(FlaskForm):
    """The case's own words; which journal items it quotes travels beside it as `pick`."""

    title = StringField("Title", default="A case for change",
                        validators=[DataRequired("Give the document a title."), Length(max=200)])
    situation = TextAreaField("Situation", description=SECTION_HELP["situation"], render_kw=ROWS,
                              validators=[Length(max=MAX_SECTION)])
    tried = TextAreaField("What I tried", description=SECTION_HELP["tried"], render_kw=ROWS,
                          validators=[Length(max=MAX_SECTION)])
    happened = TextAreaField("What happened", description=SECTION_HELP["happened"], render_kw=ROWS,
                             validators=[Length(max=MAX_SECTION)])
    propose = TextAreaField("What I propose", description=SECTION_HELP["propose"], render_kw=ROWS,
                            validators=[Length(max=MAX_SECTION)])

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


def _case_form_page(form, picks, status=200, kept=()):
    chosen = {pick.item.key for pick in picks}
    uses = {**cases.sent_uses(request.form), **cases.uses_of(picks)}
    return render_template(
        "learn/case_form.html", form=form, journal=build_journal(current_user.id, catalog()),
        chosen=chosen, uses=uses, kept=kept, sections=cases.SECTIONS,
        default_use=cases.DEFAULT_USE,
    ), status


def _document(form, picks):
    return cases.build_case(form.title.data or "", form.sections(), picks, current_user.name,
                            date.today(), catalog())


@bp.route("/case-for-change", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired one re-shows the words typed
@keep_words_when_signed_out
def case():
    """Choose journal items, write the case, and see it as a printable document."""
    form = CaseForm()
    if request.method == "GET":
        return _case_form_page(form, [])
    picks = cases.read_picks(current_user.id, catalog(), request.form)
    action = request.form.get("action")
    if action == "prefill":
        filled, kept = cases.prefill(form.sections(), picks)
        for key, value in filled.items():
            form[key].data = value
        return _case_form_page(form, picks, kept=kept)
    if action == "edit" or not form.validate():
        return _case_form_page(form, picks, 422 if form.errors else 200)
    return render_template("learn/case_document.html", document=_document(form, picks),
                           form=form, uses=cases.uses_of(picks), number=format_number)


@bp.post("/case-for-change.md")
@csrf.exempt  # as above: an expired token re-shows the form, nothing is lost
@keep_words_when_signed_out
def case_markdown():
    """The case for change as a Markdown file."""
    form = CaseForm()
    picks = cases.read_picks(current_user.id, catalog(), request.form)
    if not form.validate():
        return _case_form_page(form, picks, 422)
    text = cases.case_markdown(_document(form, picks))
    return markdown_download(text, cases.markdown_filename(date.today()))
