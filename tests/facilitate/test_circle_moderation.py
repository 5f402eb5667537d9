"""A facilitator's circle: closed to other cohorts, hiding with a reason the author reads,
reports, the open-report count, and the matrix's circle figures."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course.circle.models import CirclePost, CircleReply, CircleReport
from course.circle.moderation import open_reports
from course.extensions import db
from tests.factories import Auth, write_in


def client_for(app, who):
    client = app.test_client()
    if who is not None:
        Auth(client).login(who)
    return client


@pytest.fixture
def posted(app, world, make_leader):
    """Lee's post in the Harbour circle with a reply from a peer, Pat."""
    pat = make_leader(name="Pat Peer", cohort=world.cohort)
    row = write_in(app, world.leader, "Lee's words for the cohort.", audience="cohort")
    post_id = db.session.scalar(select(CirclePost.id))
    assert client_for(app, pat).post(f"/circle/posts/{post_id}/replies",
                                     data={"text": "Pat's reply."}).status_code == 302
    return {"pat": pat, "post": post_id, "reflection": row,
            "reply": db.session.scalar(select(CircleReply.id))}


def circle_url(world, cohort=None, tail=""):
    return f"/facilitate/cohorts/{(cohort or world.cohort).id}/circle{tail}"


EXPECTED = {"anonymous": 302, "leader": 403, "facilitator": 200, "other_facilitator": 404,
            "admin": 200}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_permission_matrix(app, world, posted, who):
    client = client_for(app, world.user(who))
    response = client.get(circle_url(world))
    assert response.status_code == EXPECTED[who]
    assert ("Lee&#39;s words for the cohort." in response.get_data(as_text=True)) == (
        EXPECTED[who] == 200)
    hide = client.get(circle_url(world, tail=f"/posts/{posted['post']}/hide"))
    assert hide.status_code == EXPECTED[who]


def test_another_cohorts_post_is_404_through_this_cohort(app, world, posted):
    other = client_for(app, world.other_facilitator)
    own = f"/facilitate/cohorts/{world.other_cohort.id}/circle"
    assert "Lee&#39;s words" not in other.get(own).get_data(as_text=True)
    assert other.get(f"{own}/posts/{posted['post']}/hide").status_code == 404
    assert other.post(f"{own}/posts/{posted['post']}/replies",
                      data={"text": "x"}).status_code == 404


def test_hiding_a_reply_hides_it_from_peers_and_tells_its_author(app, world, posted):
    fran = client_for(app, world.facilitator)
    url = circle_url(world, tail=f"/replies/{posted['reply']}/hide")
    refused = fran.post(url, data={"reason": "  "})
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    kept = fran.post(url, data={"reason": "x" * 501})
    assert kept.status_code == 400 and "x" * 501 in kept.get_data(as_text=True)
    assert fran.post(url, data={"reason": "Please keep names out."}).status_code == 302
    lee = client_for(app, world.leader).get("/circle").get_data(as_text=True)
    assert "Pat&#39;s reply." not in lee
    pat = client_for(app, posted["pat"]).get("/circle").get_data(as_text=True)
    assert "Pat&#39;s reply." in pat and "Please keep names out." in pat
    assert "hid this reply" in pat
    shown = fran.get(circle_url(world)).get_data(as_text=True)
    assert "Pat&#39;s reply." in shown and "Hidden from the cohort" in shown
    # Shown again on a second POST.
    assert fran.post(url).status_code == 302
    assert "Pat&#39;s reply." in client_for(app, world.leader).get("/circle").get_data(
        as_text=True)


def test_hiding_a_post_keeps_it_for_its_author_only(app, world, posted):
    fran = client_for(app, world.facilitator)
    fran.post(circle_url(world, tail=f"/posts/{posted['post']}/hide"),
              data={"reason": "Too much about one person."})
    pat = client_for(app, posted["pat"])
    assert "Lee&#39;s words" not in pat.get("/circle").get_data(as_text=True)
    assert pat.get(f"/circle/posts/{posted['post']}").status_code == 404
    assert pat.post(f"/circle/posts/{posted['post']}/replies",
                    data={"text": "x"}).status_code == 404
    lee = client_for(app, world.leader).get("/circle").get_data(as_text=True)
    assert "Lee&#39;s words" in lee and "Too much about one person." in lee


def test_reports_count_and_close(app, world, posted):
    pat = client_for(app, posted["pat"])
    pat.post(f"/circle/posts/{posted['post']}/report", data={"reason": "Please look."})
    client_for(app, world.leader).post(f"/circle/replies/{posted['reply']}/report")
    assert open_reports([world.cohort.id, world.other_cohort.id]) == {world.cohort.id: 2}
    assert open_reports([world.other_cohort.id]) == {}
    fran = client_for(app, world.facilitator)
    page = fran.get(circle_url(world)).get_data(as_text=True)
    assert "Please look." in page and "A reply reported" in page
    report_id = db.session.scalar(select(CircleReport.id).where(
        CircleReport.post_id.is_not(None)))
    other = client_for(app, world.other_facilitator)
    assert other.post(f"/facilitate/cohorts/{world.other_cohort.id}/circle/reports/"
                      f"{report_id}/resolve").status_code == 404
    assert fran.post(circle_url(world, tail=f"/reports/{report_id}/resolve")).status_code == 302
    assert open_reports([world.cohort.id]) == {world.cohort.id: 1}
    # Hiding the reported reply closes its report too.
    fran.post(circle_url(world, tail=f"/replies/{posted['reply']}/hide"),
              data={"reason": "Off topic."})
    assert open_reports([world.cohort.id]) == {}


def test_the_facilitators_reply_is_labelled(app, world, posted):
    fran = client_for(app, world.facilitator)
    assert fran.post(circle_url(world, tail=f"/posts/{posted['post']}/replies"),
                     data={"text": "From Fran."}).status_code == 302
    page = client_for(app, posted["pat"]).get("/circle").get_data(as_text=True)
    assert "Fran Facilitator (facilitator)" in page and "From Fran." in page


def test_the_matrix_counts_posts_and_replies_given(app, world, posted):
    fran = client_for(app, world.facilitator)
    csv = fran.get(f"/facilitate/cohorts/{world.cohort.id}/progress.csv").get_data(
        as_text=True)
    header, *rows = [line.split(",") for line in csv.lstrip("\ufeff").splitlines()]
    posts, replies = header.index("Posts"), header.index("Replies given")
    by_name = {row[0]: row for row in rows}
    assert (by_name["Lee Leader"][posts], by_name["Lee Leader"][replies]) == ("1", "0")
    assert (by_name["Pat Peer"][posts], by_name["Pat Peer"][replies]) == ("0", "1")
    # Narrowed: no longer a post in the circle.
    client_for(app, world.leader).post(f"/reflections/{posted['reflection'].id}/audience",
                                       data={"audience": "facilitator"})
    csv = fran.get(f"/facilitate/cohorts/{world.cohort.id}/progress.csv").get_data(
        as_text=True)
    lee = next(line.split(",") for line in csv.splitlines() if line.startswith("Lee Leader"))
    assert lee[posts] == "0"
    page = fran.get(f"/facilitate/cohorts/{world.cohort.id}/progress").get_data(as_text=True)
    assert ">Posts<" in page and ">Replies given<" in page


def test_entries_shared_with_the_facilitator_are_listed_for_their_cohort_only(app, world):
    from datetime import date

    from course.circle.posts import set_audience
    from course.experiments.experiments import add_entry

    lesson = app.extensions["catalog"].ordered_lessons[0]
    rows = {audience: add_entry(world.leader.id, lesson, date.today(), f"Entry for {audience}.",
                                {}, None) for audience in ("private", "facilitator", "cohort")}
    for audience, row in rows.items():
        if audience != "private":
            set_audience(row, audience)
    db.session.commit()
    url = f"/facilitate/cohorts/{world.cohort.id}/entries"
    page = client_for(app, world.facilitator).get(url).get_data(as_text=True)
    assert "Entry for facilitator." in page and "Entry for cohort." in page
    assert "Entry for private." not in page and "2 shared entries." in page
    assert client_for(app, world.other_facilitator).get(url).status_code == 404
    assert client_for(app, world.leader).get(url).status_code == 403
    set_audience(rows["facilitator"], "private")
    db.session.commit()
    page = client_for(app, world.facilitator).get(url).get_data(as_text=True)
    assert "Entry for facilitator." not in page
