"""My data: download everything held about me, or delete my account and all of it."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from course.database import checkpoint_truncate
from course.extensions import db
from course.learn import bp
from course.mydata import deletion
from course.mydata.export import export_zip, holdings
from course.sessions import end_session

DELETED = "Your account and everything in it has been deleted."


class DownloadForm(FlaskForm):
    """Only the CSRF token: the download is a POST so a link elsewhere cannot start it."""


class DeleteAccountForm(FlaskForm):
    email = StringField(
        "Type your email address to confirm",
        validators=[DataRequired("The box was empty, so nothing was deleted."),
                    Length(max=254)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


@bp.route("/account/data", methods=["GET", "POST"])
@login_required
def my_data():
    """What the course holds about me, and a zip of all of it."""
    form = DownloadForm()
    if form.validate_on_submit():
        today = date.today()
        archive = export_zip(current_user, current_app.extensions["catalog"], today)
        return Response(archive, content_type="application/zip", headers={
            "Content-Disposition": f'attachment; filename="clearing-data-{today.isoformat()}.zip"',
        })
    return render_template("learn/mydata.html", form=form, counts=holdings(current_user.id))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete the account after the email is typed; every row of it goes."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            deletion.delete_account(current_user._get_current_object(), form.email.data)
        except deletion.DeletionRefused as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            end_session()
            db.session.commit()
            checkpoint_truncate(db.engine)
            flash(DELETED, "success")
            return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("learn/mydata_delete.html", form=form,
                           counts=holdings(current_user.id)), status
