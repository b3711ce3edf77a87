import pytest
from django.core.exceptions import ValidationError

from tests.timetabling.factories import (
    CourseComponentFactory,
    InstructorFactory,
    RoomFactory,
    StudentGroupFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


def error_for(obj, field):
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return " ".join(caught.value.message_dict[field])


def test_negative_capacity_is_refused_with_the_limit():
    room = RoomFactory.build(term=TermFactory(), capacity=-5)
    assert error_for(room, "capacity") == "Capacity must be 0 or more, not -5."


def test_slot_outside_the_week_is_refused():
    room = RoomFactory.build(term=TermFactory(), unavailable=[[0, 1], [5, 0]])
    assert "outside the week of 5 days × 4 periods" in error_for(room, "unavailable")


def test_slots_are_stored_sorted_without_duplicates():
    instructor = InstructorFactory.build(term=TermFactory(), unavailable=[[2, 1], [0, 3], [2, 1]])
    instructor.full_clean()
    assert instructor.unavailable == [[0, 3], [2, 1]]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"periods_per_week": 21}, "periods_per_week", "21 periods a week is more than the term's week of 20 periods."),
        ({"periods_per_week": 5, "block_length": 2}, "periods_per_week", "5 periods a week cannot be split into blocks of 2."),
        ({"periods_per_week": 5, "block_length": 5}, "block_length", "A block of 5 periods is longer than the term's day of 4 periods."),
        ({"min_working_days": 6}, "min_working_days", "6 working days is more than the term's 5 days."),
    ],
)
def test_impossible_class_counts_are_refused(fields, field, message):
    component = CourseComponentFactory.build(course=CourseComponentFactory().course, kind="tutorial", **fields)
    assert error_for(component, field) == message


def test_fixed_instructor_of_another_term_is_refused():
    component = CourseComponentFactory()
    component.fixed_instructor = InstructorFactory()
    assert error_for(component, "fixed_instructor") == "The instructor must belong to the same term."


def test_group_cycles_are_refused():
    term = TermFactory()
    cohort = StudentGroupFactory(term=term)
    sub = StudentGroupFactory(term=term, parent=cohort)
    cohort.parent = sub
    assert "cannot form a cycle" in error_for(cohort, "parent")


def test_group_size_cannot_be_negative():
    assert error_for(StudentGroupFactory.build(term=TermFactory(), size=-1), "size") == "Size must be 0 or more, not -1."


def test_term_needs_days_and_known_weights():
    assert "A term needs at least one teaching day." in error_for(TermFactory.build(day_names=[]), "day_names")
    assert "Unknown constraint 'speed'" in error_for(TermFactory.build(weights={"speed": 1}), "weights")
    assert "whole number ≥ 0" in error_for(TermFactory.build(weights={"idle_gaps": -1}), "weights")
