"""Action-learning sets: balanced splits, by-hand validation, phase timing and rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from course.models import utcnow
from course.sets.models import Round
from course.sets.rounds import current_phase, settle
from course.sets.sets import SetError, balanced_sizes, check_arrangement


@pytest.mark.parametrize("count", range(3, 201))
def test_balanced_sizes_hold_everyone_in_sets_of_three_to_six(count):
    sizes = balanced_sizes(count)
    assert sum(sizes) == count
    assert all(3 <= size <= 6 for size in sizes)
    assert max(sizes) - min(sizes) <= 1  # balanced
    assert len(sizes) == -(-count // 6)  # as few sets as hold them


def test_fourteen_leaders_make_five_five_four():
    assert balanced_sizes(14) == [5, 5, 4]
    assert balanced_sizes(7) == [4, 3]
    assert balanced_sizes(3) == [3]


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_leaders_cannot_be_split(count):
    with pytest.raises(SetError, match="at least 3 leaders; this cohort has"):
        balanced_sizes(count)


def test_by_hand_arrangement_refuses_a_set_outside_three_to_six():
    names = {1: "Set 1", 2: "Set 2"}
    check_arrangement({1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2}, names)  # 3 and 3: fine
    check_arrangement({1: 1, 2: 1, 3: 1, 4: None}, names)  # someone left out: fine
    with pytest.raises(SetError, match=r"Set 2 has 2 people; a set needs 3 to 6\."):
        check_arrangement({1: 1, 2: 1, 3: 1, 4: 2, 5: 2}, names)
    with pytest.raises(SetError, match=r"Set 1 has 7 people"):
        check_arrangement({n: 1 for n in range(7)}, names)
    with pytest.raises(SetError, match=r"Set 3 has 1 person;"):
        check_arrangement({1: 1, 2: 1, 3: 1, 4: 3}, names)


def test_a_set_with_rounds_on_record_may_not_be_emptied():
    with pytest.raises(SetError, match="Set 2 has nobody in it, but it has rounds on record"):
        check_arrangement({1: 1, 2: 1, 3: 1}, {1: "Set 1", 2: "Set 2"},
                          {2: "it has rounds on record"})


def a_round(phase="questions", ends=None, questions=3, suggestions=3) -> Round:
    return Round(set_id=1, holder_id=1, phase=phase, phase_ends_at=ends,
                 questions_days=questions, suggestions_days=suggestions)


def test_phases_move_on_by_date_when_read():
    start = datetime(2026, 3, 26, 9, 0, tzinfo=UTC)  # the clocks go forward on the 29th
    found = a_round("questions", start + timedelta(days=3), suggestions=4)
    with time_machine.travel(start, tick=False):
        assert current_phase(found, utcnow()) == ("questions", start + timedelta(days=3))
    with time_machine.travel(start + timedelta(days=3) - timedelta(seconds=1), tick=False):
        assert current_phase(found, utcnow())[0] == "questions"
    with time_machine.travel(start + timedelta(days=3), tick=False):
        assert current_phase(found, utcnow()) == ("suggestions", start + timedelta(days=7))
    with time_machine.travel(start + timedelta(days=7), tick=False):
        assert current_phase(found, utcnow()) == ("commitment", None)
    with time_machine.travel(start + timedelta(days=70), tick=False):
        assert current_phase(found, utcnow()) == ("commitment", None)  # waits for the holder
    assert found.phase == "questions"  # reading writes nothing


def test_phases_without_a_date_wait_for_someone():
    for phase in ("challenge", "commitment", "closed"):
        assert current_phase(a_round(phase), utcnow() + timedelta(days=400)) == (phase, None)


def test_settle_writes_the_phase_in_force():
    start = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    found = a_round("questions", start)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        assert settle(found, utcnow()) == "suggestions"
    assert found.phase == "suggestions"
    assert found.phase_ends_at == start + timedelta(days=3)
