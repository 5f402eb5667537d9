"""Test data, made the way the app makes it (CTFd's tests/helpers.py gen_* is the model).

Every feature and browser test builds its world from here: leaders and cohorts come from
the fixtures in conftest.py (make_leader, make_cohort, ...); their work (reflections,
finished lessons, quiz attempts, self-assessments, a seeded journal) from these helpers.
Lessons are named by their 1-based position in the real course, so a test never depends
on a lesson's id or the course's length.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from course.circle.posts import set_audience
from course.experiments.experiments import add_entry
from course.extensions import db
from course.models import utcnow
from course.progress.models import LessonProgress
from course.progress.progress import complete_lesson
from course.quizzes.attempts import submit_quiz
from course.reflections.models import Reflection
from course.reflections.reflections import save_draft, save_reflection

PASSWORD = "a calm walk by the river"


class Auth:
    """Sign a test client in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self.client.post("/logout")


def read_outbox(app) -> list:
    """Every message the app wrote to its outbox folder, oldest first."""
    folder = Path(app.instance_path) / "outbox"
    paths = sorted(folder.glob("*.eml"))
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in paths]


def csrf_token_from(html: str) -> str:
    """Pull the CSRF token out of a rendered form."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def lesson(number: int):
    """The real course's lesson at a 1-based position."""
    return current_app.extensions["catalog"].ordered_lessons[number - 1]


def write(leader, number: int, text: str = "We rarely ask.", *, audience="private", prompt=0):
    """Save a reflection on a lesson (which starts the lesson), for an audience."""
    found = lesson(number)
    row = save_reflection(leader.id, found, found.reflections[prompt].id, text, None)
    if audience != "private":
        set_audience(row, audience)
    db.session.commit()
    return row


def finish(leader, number: int, text: str = "Done and noted.") -> None:
    """Write a reflection and mark the lesson done."""
    write(leader, number, text)
    complete_lesson(leader.id, lesson(number))
    db.session.commit()


def take_quiz(leader, number: int, choose=None):
    """Submit the lesson's quiz; `choose` maps question id to a response, else the first option.

    Returns the attempt; a true-false question is answered "true" unless chosen.
    """
    found = lesson(number)
    quiz = current_app.extensions["catalog"].quizzes[found.quiz_id]
    responses = {}
    for question in quiz.questions:
        default = ["true"] if question.type == "true-false" else ["0"]
        responses[question.id] = (choose or {}).get(question.id, default)
    attempt = submit_quiz(leader.id, quiz, found.id, responses, None)
    db.session.commit()
    return attempt


def right_answer(question) -> list[str]:
    """The response that answers a choice or true-false question right."""
    if question.type == "true-false":
        return [str(question.answer).lower()]
    return [str(i) for i, option in enumerate(question.options) if option.correct]


def age(leader, number: int, days: int, *, started=True, updated=True) -> None:
    """Move a lesson's progress row `days` into the past."""
    moment = utcnow() - timedelta(days=days)
    values = {}
    if started:
        values["started_at"] = moment
    if updated:
        values["updated_at"] = moment
    db.session.execute(
        update(LessonProgress)
        .where(LessonProgress.user_id == leader.id, LessonProgress.lesson_id == lesson(number).id)
        .values(**values)
    )
    db.session.commit()


def right_answers(quiz) -> dict:
    answers = {}
    for question in quiz.questions:
        if question.type in ("single", "multiple"):
            answers[question.id] = [str(i) for i, o in enumerate(question.options) if o.correct]
        elif question.type == "true-false":
            answers[question.id] = ["true" if question.answer else "false"]
        elif question.type == "short":
            answers[question.id] = [question.accept[0]]
        else:
            answers[question.id] = [str(question.minimum)]
    return answers


def wrong_answers(quiz) -> dict:
    answers = right_answers(quiz)
    for question in quiz.questions:
        if question.type == "single":
            answers[question.id] = [str(next(i for i, o in enumerate(question.options)
                                             if not o.correct))]
        elif question.type == "true-false":
            answers[question.id] = ["false" if question.answer else "true"]
        elif question.type == "multiple":
            answers[question.id] = [str(i) for i, o in enumerate(question.options)
                                    if not o.correct][:1] or ["0"]
    return answers


JOURNAL_CANARY = "CANARY-leader-a-private-4b1e"


def seed_journal(user, catalog, words: str = "") -> dict:
    """Two reflections in two modules (one shared), an entry with numbers, an empty draft."""
    first, later = catalog.ordered_lessons[0], catalog.lessons_of(catalog.modules[1].id)[0]
    one = save_reflection(user.id, first, first.reflections[0].id,
                          f"Our board fears the comments. {words}".strip(), None)
    two = save_reflection(user.id, later, later.reflections[0].id,
                          f"Listening before posting changed the meeting. {words}".strip(), None)
    set_audience(two, "facilitator")
    save_draft(user.id, first, first.reflections[1].id, "   ")  # nothing written: not shown
    measure = first.try_this.measures[0]
    entry = add_entry(user.id, first, date.today() - timedelta(days=1),
                      f"Sorted five items; two were fog. {words}".strip(), {measure: 5}, None)
    db.session.commit()
    return {"first": first, "later": later, "one": one.id, "two": two.id, "entry": entry.id,
            "measure": measure}


def write_in(app, leader, text: str, *, lesson: int = 0, prompt: int = 0,
             audience: str = "private") -> Reflection:
    """A saved reflection of `leader` on the n-th lesson's n-th prompt, for an audience."""
    found = app.extensions["catalog"].ordered_lessons[lesson]
    row = save_reflection(leader.id, found, found.reflections[prompt].id, text, None)
    if audience != "private":
        set_audience(row, audience)
    db.session.commit()
    return row


class SoftAuthenticator:
    """A software passkey (an EC P-256 key) that answers WebAuthn options as a browser would."""

    def __init__(self, origin: str = "http://localhost", user_verified: bool = True):
        import os

        from cryptography.hazmat.primitives.asymmetric import ec

        self.origin = origin
        self.user_verified = user_verified
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_handle = b""
        self.sign_count = 0

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        import hashlib

        flags |= 0x01 | (0x04 if self.user_verified else 0)  # user present (and verified)
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + self.sign_count.to_bytes(4, "big") + attested

    def _client_data(self, kind: str, challenge: str) -> bytes:
        import json

        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options_json: str) -> dict:
        """The attestation ("none") for navigator.credentials.create(options)."""
        import json

        from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, encode_cbor

        options = json.loads(options_json)
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        numbers = self.key.public_key().public_numbers()
        cose = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big")}
        attested = (bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
                    + encode_cbor(cose))
        auth_data = self._auth_data(options["rp"]["id"], 0x40, attested)
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        cid = bytes_to_base64url(self.credential_id)
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {"id": cid, "rawId": cid, "type": "public-key", "clientExtensionResults": {},
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "attestationObject": bytes_to_base64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options_json: str, rp_id: str | None = None) -> dict:
        """The signed assertion for navigator.credentials.get(options)."""
        import hashlib
        import json

        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from webauthn.helpers import bytes_to_base64url

        options = json.loads(options_json)
        self.sign_count += 1
        auth_data = self._auth_data(rp_id or options["rpId"], 0)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(),
                                  ec.ECDSA(hashes.SHA256()))
        cid = bytes_to_base64url(self.credential_id)
        return {"id": cid, "rawId": cid, "type": "public-key", "clientExtensionResults": {},
                "response": {"clientDataJSON": bytes_to_base64url(client_data),
                             "authenticatorData": bytes_to_base64url(auth_data),
                             "signature": bytes_to_base64url(signature),
                             "userHandle": bytes_to_base64url(self.user_handle)}}
