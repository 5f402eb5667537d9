"""Forms for accounts. Rules live in course.accounts; these only shape input."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length

from course.passwords import MIN_LENGTH

PASSWORD_HELP = (
    f"At least {MIN_LENGTH} characters. A phrase of several unrelated words is strong and "
    "easy to remember. Pasting from a password manager is fine."
)


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device",
                            description="For 30 days. Only on a phone or computer that is yours.")
    submit = SubmitField("Sign in")


def _new_password_fields(label="New password"):
    password = PasswordField(
        label, description=PASSWORD_HELP,
        validators=[DataRequired(), Length(max=1024)],
        render_kw={"autocomplete": "new-password", "minlength": MIN_LENGTH},
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(FlaskForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)],
                       render_kw={"autocomplete": "name"})
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password, confirm = _new_password_fields("Choose a password")
    submit = SubmitField("Create my account")


class ForgotForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    submit = SubmitField("Email me a reset link")


class ResetForm(FlaskForm):
    password, confirm = _new_password_fields()
    submit = SubmitField("Set my new password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = _new_password_fields()
    submit = SubmitField("Change my password")


PASSKEY_NEEDS_BROWSER = ("Passkeys need a browser that supports them, with JavaScript turned on. "
                         "You can still sign in with your password.")


class PasskeyForm(FlaskForm):
    name = StringField(
        "Name this passkey", validators=[DataRequired(), Length(max=60)],
        description="So you can tell your passkeys apart, for example \u201cMy phone\u201d.",
        render_kw={"autocomplete": "off", "maxlength": 60})
    # Filled in by static/js/passkeys.js once the device has made the passkey.
    credential = HiddenField(validators=[Length(max=20000)])
    submit = SubmitField("Add a passkey")


class PasskeySignInForm(FlaskForm):
    credential = HiddenField(validators=[Length(max=20000)])
    submit = SubmitField("Use a passkey")


class SecondFactorForm(FlaskForm):
    code = StringField(
        "Code", validators=[DataRequired(), Length(max=40)],
        description="The 6-digit code your authenticator app shows now, or one of your "
                    "recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"})
    submit = SubmitField("Continue")


class TotpConfirmForm(FlaskForm):
    code = StringField(
        "Code from the app", validators=[DataRequired(), Length(max=20)],
        description="Once the app shows Clearing, type the 6-digit code it shows.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Confirm")
