"""The circle through the test client: audience, posts, replies (limits, double clicks,
races), edit and delete, reports, display names, and who reaches what."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from course.accounts import set_active
from course.circle.circle import PAGE_SIZE
from course.circle.models import CirclePost, CircleReply, CircleReport
from course.circle.replies import MAX_REPLY_LENGTH
from course.cohorts.models import Membership
from course.experiments.experiments import add_entry
from course.extensions import db
from course.models import User
from course.reflections.models import Reflection
from tests.factories import Auth, write_in


@dataclass
class Circle:
    ann: User
    ben: User
    cy: User  # another cohort
    fran: User  # runs Ann and Ben's cohort
    app: object

    def client(self, who: User | None):
        client = self.app.test_client()
        if who is not None:
            assert Auth(client).login(who).status_code in (302, 303)
        return client


@pytest.fixture
def circle(app, make_leader, make_cohort, make_facilitator):
    fran = make_facilitator(name="Fran Facilitator")
    cohort = make_cohort(name="Harbour", facilitator=fran)
    other = make_cohort(name="Hill")
    return Circle(make_leader(name="Ann Able", cohort=cohort),
                  make_leader(name="Ben Bold", cohort=cohort),
                  make_leader(name="Cy Other", cohort=other), fran, app)


def share(app, leader, text, audience="cohort", lesson=0, prompt=0) -> Reflection:
    return write_in(app, leader, text, lesson=lesson, prompt=prompt, audience=audience)


def post_of(reflection) -> int:
    return db.session.scalar(select(CirclePost.id).where(
        CirclePost.reflection_id == reflection.id))


def page(client, url="/circle") -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def form_key(html: str, post_id: int) -> str:
    return re.search(rf'name="form_key" value="([^"]+-{post_id})"', html).group(1)


def test_the_audience_form_is_three_labelled_radios_in_a_fieldset(app, circle):
    row = share(app, circle.ann, "Only mine.", audience="private")
    html = page(circle.client(circle.ann), f"/lessons/{row.lesson_id}")
    form = html.split('class="audience-form"', 1)[1].split("</form>", 1)[0]
    assert "<fieldset" in form and "<legend>Who can see this reflection</legend>" in form
    labels = re.findall(r'<label for="[^"]+">([^<]+)</label>', form)
    assert labels == ["Only me", "My facilitator", "My cohort"]
    assert re.search(r'value="private" checked', form)  # the default


@pytest.mark.parametrize("audience, ben_sees, fran_sees", [
    ("private", False, False), ("facilitator", False, True), ("cohort", True, True)])
def test_who_sees_each_audience(app, circle, audience, ben_sees, fran_sees):
    row = share(app, circle.ann, "Words for the right people.", audience=audience)
    ben, cy, fran = (circle.client(who) for who in (circle.ben, circle.cy, circle.fran))
    assert ("Words for the right people." in page(ben)) is ben_sees
    assert "Words for the right people." not in page(cy)
    feed = page(fran, f"/facilitate/cohorts/{_cohort_id(circle.ann)}/shared")
    assert ("Words for the right people." in feed) is fran_sees
    assert row.audience == audience


def _cohort_id(user) -> int:
    from course.cohorts.models import Membership
    return db.session.scalar(select(Membership.cohort_id).where(Membership.user_id == user.id))


def test_narrowing_takes_the_post_and_its_replies_away_at_once(app, circle):
    row = share(app, circle.ann, "A post about the board.")
    ben = circle.client(circle.ben)
    post_id = post_of(row)
    assert ben.post(f"/circle/posts/{post_id}/replies",
                    data={"text": "Ben's thoughtful reply."}).status_code == 302
    ann = circle.client(circle.ann)
    assert ann.post(f"/reflections/{row.id}/audience",
                    data={"audience": "facilitator"}).status_code == 302
    html = page(ben)
    assert "A post about the board." not in html and "Ben's thoughtful reply." not in html
    assert ben.get(f"/circle/posts/{post_id}").status_code == 404
    assert ben.post(f"/circle/posts/{post_id}/replies", data={"text": "Late"}).status_code == 404
    # Widening again brings it back, replies and all (nothing was deleted).
    ann.post(f"/reflections/{row.id}/audience", data={"audience": "cohort"})
    assert "Ben&#39;s thoughtful reply." in page(ben)


def test_an_entry_can_be_shared_with_the_cohort(app, circle, catalog):
    lesson = catalog.ordered_lessons[0]
    entry = add_entry(circle.ann.id, lesson, __import__("datetime").date.today(),
                      "Tried it with the team.", {lesson.try_this.measures[0]: 4}, None)
    db.session.commit()
    ann = circle.client(circle.ann)
    assert ann.post(f"/experiments/{entry.id}/audience",
                    data={"audience": "cohort"}).status_code == 302
    html = page(circle.client(circle.ben))
    assert "Tried it with the team." in html and lesson.try_this.title in html
    assert ann.post(f"/experiments/{entry.id}/audience",
                    data={"audience": "private"}).status_code == 302
    assert "Tried it with the team." not in page(circle.client(circle.ben))


@pytest.mark.parametrize("value", ["", "everyone", "COHORT", "cohort "])
def test_an_unknown_audience_is_refused_and_changes_nothing(app, circle, value):
    row = share(app, circle.ann, "Stay put.", audience="facilitator")
    response = circle.client(circle.ann).post(f"/reflections/{row.id}/audience",
                                              data={"audience": value})
    assert response.status_code == 400
    db.session.refresh(row)
    assert row.audience == "facilitator"


def test_only_the_author_sets_the_audience(app, circle):
    row = share(app, circle.ann, "Mine.", audience="private")
    for who in (circle.ben, circle.cy):
        response = circle.client(who).post(f"/reflections/{row.id}/audience",
                                           data={"audience": "cohort"})
        assert response.status_code == 404
    assert circle.client(circle.fran).post(f"/reflections/{row.id}/audience",
                                           data={"audience": "cohort"}).status_code == 403
    db.session.refresh(row)
    assert row.audience == "private"


def test_the_circle_is_newest_first_and_paged(app, circle, catalog):
    lessons = catalog.ordered_lessons
    made = 0
    for lesson_index, lesson in enumerate(lessons):
        for prompt_index in range(len(lesson.reflections)):
            if made == PAGE_SIZE + 1:
                break
            share(app, circle.ann, f"Post number {made:02d}.", lesson=lesson_index,
                  prompt=prompt_index)
            made += 1
    assert made == PAGE_SIZE + 1
    ben = circle.client(circle.ben)
    first = page(ben)
    assert f"{PAGE_SIZE + 1} posts; page 1 of 2." in first
    assert first.index(f"Post number {PAGE_SIZE:02d}.") < first.index("Post number 19.")
    assert "Post number 00." not in first and "Older posts" in first
    second = page(ben, "/circle?page=2")
    assert "Post number 00." in second and "Newer posts" in second
    assert ben.get("/circle?page=1e3").status_code == 200  # strict: falls back to page 1


def test_reply_limits_keep_the_text(app, circle):
    post_id = post_of(share(app, circle.ann, "Limits."))
    ben = circle.client(circle.ben)
    too_long = "y" * (MAX_REPLY_LENGTH + 1)
    response = ben.post(f"/circle/posts/{post_id}/replies", data={"text": too_long})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert too_long in html and "the limit is 20,000" in html and "There is a problem" in html
    response = ben.post(f"/circle/posts/{post_id}/replies", data={"text": "   "})
    assert response.status_code == 400 and "Write a reply before sending it." in \
        response.get_data(as_text=True)
    assert ben.post(f"/circle/posts/{post_id}/replies",
                    data={"text": "y" * MAX_REPLY_LENGTH}).status_code == 302
    assert db.session.scalar(select(func.count(CircleReply.id))) == 1


def test_a_double_click_keeps_one_reply_and_two_forms_keep_two(app, circle):
    post_id = post_of(share(app, circle.ann, "Clicks."))
    ben = circle.client(circle.ben)
    key = form_key(page(ben), post_id)
    for _ in range(2):
        assert ben.post(f"/circle/posts/{post_id}/replies",
                        data={"text": "Once.", "form_key": key}).status_code == 302
    assert db.session.scalar(select(func.count(CircleReply.id))) == 1
    other_key = form_key(page(ben), post_id)
    assert other_key != key
    ben.post(f"/circle/posts/{post_id}/replies", data={"text": "Twice.", "form_key": other_key})
    assert db.session.scalar(select(func.count(CircleReply.id))) == 2
    # Another person's key is refused, never shown as their reply.
    response = circle.client(circle.ann).post(
        f"/circle/posts/{post_id}/replies", data={"text": "Mine?", "form_key": key})
    assert response.status_code == 400 and "already used" in response.get_data(as_text=True)


def test_two_replies_racing_in_keep_both(app, circle):
    post_id = post_of(share(app, circle.ann, "Race."))
    clients = [circle.client(circle.ben), circle.client(circle.ann)]
    keys = [form_key(page(c), post_id) for c in clients]
    barrier, answers = threading.Barrier(2), []

    def send(client, key, text):
        barrier.wait()
        answers.append(client.post(f"/circle/posts/{post_id}/replies",
                                   data={"text": text, "form_key": key}).status_code)

    threads = [threading.Thread(target=send, args=(c, k, f"Racer {i}"))
               for i, (c, k) in enumerate(zip(clients, keys, strict=True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    texts = set(db.session.scalars(select(CircleReply.text)))
    assert texts == {"Racer 0", "Racer 1"}


def test_edit_and_delete_only_ones_own_reply(app, circle):
    post_id = post_of(share(app, circle.ann, "Edits."))
    ben = circle.client(circle.ben)
    ben.post(f"/circle/posts/{post_id}/replies", data={"text": "First words."})
    reply_id = db.session.scalar(select(CircleReply.id))
    for other in (circle.ann, circle.cy):
        client = circle.client(other)
        assert client.get(f"/circle/replies/{reply_id}/edit").status_code == 404
        assert client.post(f"/circle/replies/{reply_id}/delete",
                           data={"confirm": "yes"}).status_code == 404
    assert ben.post(f"/circle/replies/{reply_id}/edit", data={"text": ""}).status_code == 400
    assert ben.post(f"/circle/replies/{reply_id}/edit",
                    data={"text": "Better words."}).status_code == 302
    assert "Better words." in page(ben) and "(edited)" in page(ben)
    asked = ben.get(f"/circle/replies/{reply_id}/delete").get_data(as_text=True)
    assert "Delete your reply?" in asked and ">Keep it</a>" in asked
    assert ben.post(f"/circle/replies/{reply_id}/delete").status_code == 200  # asks again
    assert ben.post(f"/circle/replies/{reply_id}/delete",
                    data={"confirm": "yes"}).status_code == 302
    assert db.session.scalar(select(func.count(CircleReply.id))) == 0


def test_peers_see_display_names_and_organisations_never_emails(app, circle):
    share(app, circle.ann, "Named.")
    ann = circle.client(circle.ann)
    response = ann.post("/account/circle-profile",
                        data={"display_name": "Annie", "organisation": "Harbour Trust"})
    assert response.status_code == 303
    html = page(circle.client(circle.ben))
    assert "Annie, Harbour Trust" in html
    assert circle.ann.email not in html and "Ann Able" not in html
    refused = ann.post("/account/circle-profile",
                       data={"display_name": "ann@example.org", "organisation": "Kept"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'value="Kept"' in body and "not an email" in body
    ann.post("/account/circle-profile", data={"display_name": "", "organisation": ""})
    assert "Ann Able" in page(circle.client(circle.ben))  # the name, by default


def test_a_deactivated_member_stops_seeing_and_their_posts_say_former_member(app, circle):
    share(app, circle.ann, "Still here.")
    ben = circle.client(circle.ben)
    share(app, circle.ben, "Ben's own post.", lesson=1)
    set_active(db.session.get(User, circle.ben.id), False)
    db.session.commit()
    assert ben.get("/circle").status_code in (302, 401)
    assert "Ben Bold (former member)" in page(circle.client(circle.ann))


def test_deleting_an_account_takes_posts_and_replies_and_leaves_removed(app, circle):
    ann_post = post_of(share(app, circle.ann, "Ann stays."))
    ben_post = post_of(share(app, circle.ben, "Ben goes.", lesson=1))
    ben = circle.client(circle.ben)
    ben.post(f"/circle/posts/{ann_post}/replies", data={"text": "Ben's words on Ann's post."})
    circle.client(circle.ann).post(f"/circle/posts/{ben_post}/replies",
                                   data={"text": "Ann on Ben's post."})
    email = circle.ben.email
    assert ben.post("/account/delete", data={"email": email}).status_code in (200, 302, 303)
    assert db.session.scalar(select(User).where(User.email == email)) is None
    html = page(circle.client(circle.ann))
    assert "Ben goes." not in html and "Ann on Ben&#39;s post." not in html
    assert "Ben&#39;s words on Ann&#39;s post." not in html and "was removed" in html
    assert db.session.scalar(select(CircleReply.text).where(CircleReply.author_id.is_(None))) == ""


def test_the_data_download_holds_posts_replies_written_and_received(app, circle):
    import io
    import json
    import zipfile

    post_id = post_of(share(app, circle.ann, "Ann's post."))
    other = post_of(share(app, circle.ben, "Ben's post.", lesson=1))
    circle.client(circle.ben).post(f"/circle/posts/{post_id}/replies",
                                   data={"text": "Received words."})
    ann = circle.client(circle.ann)
    ann.post(f"/circle/posts/{other}/replies", data={"text": "Written words."})
    response = ann.post("/account/data")
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        data = json.loads(archive.read("clearing-data.json"))
    found = data["circle"]
    assert [p["post"] for p in found["posts"]] == [post_id]
    assert [r["text"] for r in found["replies_written"]] == ["Written words."]
    assert [(r["from"], r["text"]) for r in found["replies_received"]] == [
        ("Ben Bold", "Received words.")]
    assert "Ben's post." not in response.data.decode("latin-1")


def test_report_once_and_the_facilitator_sees_it(app, circle):
    post_id = post_of(share(app, circle.ann, "Reportable."))
    ben = circle.client(circle.ben)
    assert "Report" in ben.get(f"/circle/posts/{post_id}/report").get_data(as_text=True)
    for _ in range(2):
        assert ben.post(f"/circle/posts/{post_id}/report",
                        data={"reason": "Names a colleague."}).status_code == 302
    assert db.session.scalar(select(func.count(CircleReport.id))) == 1
    assert circle.client(circle.cy).post(f"/circle/posts/{post_id}/report").status_code == 404
    fran = circle.client(circle.fran)
    cohort_page = page(fran, f"/facilitate/cohorts/{_cohort_id(circle.ann)}")
    assert "Circle (1 open report)" in cohort_page
    circle_page = page(fran, f"/facilitate/cohorts/{_cohort_id(circle.ann)}/circle")
    assert "Names a colleague." in circle_page


def test_the_circle_is_for_leaders_signed_in(app, circle):
    assert circle.client(None).get("/circle").status_code == 302
    assert circle.client(circle.fran).get("/circle").status_code == 403


def test_the_circle_page_costs_the_same_statements_for_a_busier_cohort(app, circle,
                                                                       count_queries):
    ben = circle.client(circle.ben)
    post_id = post_of(share(app, circle.ann, "One post."))
    ben.post(f"/circle/posts/{post_id}/replies", data={"text": "One reply."})
    page(ben)  # warm-up
    with count_queries() as small:
        page(ben)
    for n in range(1, 6):
        other = post_of(share(app, circle.ann, f"More {n}.", lesson=n))
        for _ in range(3):
            ben.post(f"/circle/posts/{other}/replies", data={"text": f"Reply {n}."})
    with count_queries() as large:
        html = page(ben)
    assert "More 5." in html and html.count("Reply 5.") == 3
    assert len(small) == len(large) <= 6, large


def test_a_reply_tells_the_author_by_display_name_never_the_words(app, circle, catalog):
    from course.notices.notices import unseen

    row = share(app, circle.ann, "Tell me.")
    post_id = post_of(row)
    ben = circle.client(circle.ben)
    ben.post("/account/circle-profile", data={"display_name": "Benji", "organisation": ""})
    ben.post(f"/circle/posts/{post_id}/replies", data={"text": "Secret-ish reply words."})
    notices = unseen(circle.ann.id, catalog)
    assert [(n.kind, n.path) for n in notices] == [("circle_reply", f"/circle/posts/{post_id}")]
    assert notices[0].text.startswith("Benji replied") and "Secret-ish" not in notices[0].text
    assert "Ben Bold" not in notices[0].text
    assert unseen(circle.ben.id, catalog) == []  # nobody is told of their own reply
    # Opening the post marks it seen; narrowing takes any notice back.
    circle.client(circle.ann).get(f"/circle/posts/{post_id}")
    assert unseen(circle.ann.id, catalog) == []
    ben.post(f"/circle/posts/{post_id}/replies", data={"text": "Again."})
    assert len(unseen(circle.ann.id, catalog)) == 1
    circle.client(circle.ann).post(f"/reflections/{row.id}/audience",
                                   data={"audience": "private"})
    assert unseen(circle.ann.id, catalog) == []


@pytest.mark.parametrize("path", [
    "/circle/posts/²", "/circle/posts/99999999999999999999", "/circle/posts/1e3",
    "/circle/posts/-1", "/circle/replies/%C2%B2/edit", "/circle/posts/424242",
])
def test_odd_ids_are_not_found(app, circle, path):
    share(app, circle.ann, "Something to find.")
    assert circle.client(circle.ben).get(path).status_code == 404


def test_odd_pages_fall_back_and_never_fail(app, circle):
    share(app, circle.ann, "Page me.")
    ben = circle.client(circle.ben)
    for query in ("?page=0", "?page=-3", "?page=²", "?page=999999999999", "?page=abc"):
        response = ben.get("/circle" + query)
        assert response.status_code == 200 and "Page me." in response.get_data(as_text=True)


def test_the_course_home_counts_new_posts_from_peers(app, circle):
    from course.models import utcnow
    from course.self_assessment.models import SelfAssessment

    for person in (circle.ann, circle.ben, circle.cy):  # past the welcome and the start
        db.session.add(SelfAssessment(user_id=person.id, stage="before", skipped=True))
        db.session.get(User, person.id).welcome_seen_at = utcnow()
    db.session.commit()
    shared = share(app, circle.ann, "Fresh words.")
    home = page(circle.client(circle.ben), "/course")
    assert "1 new post from your cohort in the last 7 days" in home
    assert "Fresh words." not in home
    assert "new post" not in page(circle.client(circle.ann), "/course")  # her own
    assert "new post" not in page(circle.client(circle.cy), "/course")  # another cohort
    # A post the facilitator hid is no longer one peers can read: the card stops counting it.
    from course.circle.moderation import hide

    hide(db.session.get(CirclePost, post_of(shared)), circle.fran, "Off the topic.")
    db.session.commit()
    assert "new post" not in page(circle.client(circle.ben), "/course")


def test_deleting_a_reply_takes_back_or_renames_what_it_told_the_author(app, circle):
    from course.notices.notices import unseen

    catalog = app.extensions["catalog"]
    post_id = post_of(share(app, circle.ann, "Told."))
    ben, fran = circle.client(circle.ben), circle.client(circle.fran)
    cohort_id = db.session.scalar(select(Membership.cohort_id).where(
        Membership.user_id == circle.fran.id))
    assert fran.post(f"/facilitate/cohorts/{cohort_id}/circle/posts/{post_id}/replies",
                     data={"text": "Fran's words."}).status_code in (302, 303)
    ben.post(f"/circle/posts/{post_id}/replies", data={"text": "Ben's words."})
    ben_reply = db.session.scalar(select(CircleReply.id).where(
        CircleReply.author_id == circle.ben.id))
    [notice] = unseen(circle.ann.id, catalog)
    assert notice.text.startswith("Ben Bold replied")
    # The newest reply goes: the notice names the one still there.
    ben.post(f"/circle/replies/{ben_reply}/delete", data={"confirm": "yes"})
    [notice] = unseen(circle.ann.id, catalog)
    assert notice.text.startswith("Fran Facilitator replied")
    # On another post the only reply goes: nothing is left to tell.
    other = post_of(share(app, circle.ann, "Told again.", lesson=1))
    ben.post(f"/circle/posts/{other}/replies", data={"text": "Ben again."})
    assert len(unseen(circle.ann.id, catalog)) == 2
    only = db.session.scalar(select(CircleReply.id).where(CircleReply.post_id == other))
    ben.post(f"/circle/replies/{only}/delete", data={"confirm": "yes"})
    assert [n.subject for n in unseen(circle.ann.id, catalog)] == [f"circle:{post_id}"]
