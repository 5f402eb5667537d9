"""A facilitator's replies are part of the leader's data download."""

import io
import json
import zipfile

from course.circle.posts import set_audience
from course.extensions import db
from course.reflections.models import ReflectionReply
from course.reflections.reflections import save_reflection


def test_replies_in_data_download(client, signed_in, make_facilitator, first_lesson):
    reflection = save_reflection(signed_in.id, first_lesson, first_lesson.reflections[0].id,
                                 "Shared thought", "k")
    set_audience(reflection, "facilitator")
    facilitator = make_facilitator(name="Fran Okafor")
    db.session.add(ReflectionReply(reflection_id=reflection.id, author_id=facilitator.id,
                                   text="Good point: who owns the web form?"))
    db.session.commit()
    response = client.post("/account/data")
    assert response.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("clearing-data.json"))
    [saved] = data["reflections"]
    assert saved["replies"][0]["text"] == "Good point: who owns the web form?"
    assert saved["replies"][0]["from"] == "Fran Okafor"
