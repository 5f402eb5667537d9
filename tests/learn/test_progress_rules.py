"""Completion and progress rules, called directly."""

import pytest

from course.extensions import db
from course.progress.progress import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    CompletionError,
    complete_lesson,
    course_progress,
    reopen_lesson,
)
from course.reflections.reflections import save_draft


def test_new_leader_has_nothing_started(leader, catalog):
    progress = course_progress(leader.id, catalog)
    assert progress.done == 0 and progress.total == len(catalog.lessons)
    assert set(progress.states.values()) == {NOT_STARTED}
    assert progress.continue_lesson == catalog.ordered_lessons[0]
    assert not progress.complete and progress.percent == 0


def test_cannot_complete_without_a_reflection(leader, first_lesson):
    with pytest.raises(CompletionError, match="at least one reflection"):
        complete_lesson(leader.id, first_lesson)
    save_draft(leader.id, first_lesson, first_lesson.reflections[0].id, "   ")
    with pytest.raises(CompletionError):
        complete_lesson(leader.id, first_lesson)  # whitespace is not a reflection


def test_complete_after_reflection_and_reopen(leader, catalog, first_lesson):
    save_draft(leader.id, first_lesson, first_lesson.reflections[0].id, "We never listen.")
    assert course_progress(leader.id, catalog).state(first_lesson.id) == IN_PROGRESS
    complete_lesson(leader.id, first_lesson)
    db.session.commit()
    progress = course_progress(leader.id, catalog)
    assert progress.state(first_lesson.id) == DONE and progress.done == 1
    assert progress.kinds_done[first_lesson.kind] == 1
    module = progress.modules[first_lesson.module_id]
    assert module.done == 1 and module.percent == round(100 / module.total)
    assert progress.continue_lesson == catalog.ordered_lessons[1]
    reopen_lesson(leader.id, first_lesson.id)
    assert course_progress(leader.id, catalog).state(first_lesson.id) == IN_PROGRESS


def test_continue_prefers_latest_in_progress(leader, catalog):
    third, fifth = catalog.ordered_lessons[2], catalog.ordered_lessons[4]
    save_draft(leader.id, fifth, fifth.reflections[0].id, "later")
    save_draft(leader.id, third, third.reflections[0].id, "latest")
    assert course_progress(leader.id, catalog).continue_lesson == third


def test_whole_course_complete(leader, catalog):
    for lesson in catalog.ordered_lessons:
        save_draft(leader.id, lesson, lesson.reflections[0].id, "done")
        complete_lesson(leader.id, lesson)
    progress = course_progress(leader.id, catalog)
    assert progress.complete and progress.percent == 100
    assert all(module.complete for module in progress.modules.values())
    assert progress.continue_lesson is None
    assert sum(progress.kinds_done.values()) == len(catalog.lessons)
