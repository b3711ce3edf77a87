"""Request and response bodies of the timetabling API (and of inline run submissions)."""

from datetime import time
from typing import Literal, Optional

from ninja import Field, Schema
from pydantic import NonNegativeInt, PositiveInt, field_validator

from config.fields import Id, Text

Code = Field(min_length=1, max_length=100)
Slot = tuple[NonNegativeInt, NonNegativeInt]


class PeriodData(Schema):
    name: Text = Field(min_length=1, max_length=50)
    start: Optional[time] = None
    end: Optional[time] = None
    is_lunch_break: bool = False

    @field_validator("start", "end")
    @classmethod
    def wall_clock(cls, value):
        # A timetable's periods are local wall-clock times, the same every week.
        if value is not None and value.tzinfo is not None:
            raise ValueError("give a local time such as 10:15, without a time zone")
        return value


class TermData(Schema):
    name: Text = Field(min_length=1, max_length=200)
    day_names: list[Text] = Field(min_length=1, max_length=14)
    periods: list[PeriodData] = Field(min_length=1, max_length=48)
    weights: dict[Text, NonNegativeInt] = {}


class TermOut(TermData):
    id: int


class RoomData(Schema):
    code: Text = Code
    name: Text = Field("", max_length=200)
    capacity: int
    room_type: Text = Field("", max_length=100)
    features: list[Text] = []
    unavailable: list[Slot] = []


class InstructorData(Schema):
    code: Text = Code
    name: Text = Field("", max_length=200)
    email: Text = Field("", max_length=254)
    unavailable: list[Slot] = []
    preferred_free: list[Slot] = []


class GroupData(Schema):
    code: Text = Code
    name: Text = Field("", max_length=200)
    size: int = 0
    parent: Optional[Text] = None
    wants_lunch_break: bool = False
    courses: list[Text] = []


class ComponentData(Schema):
    kind: Literal["lecture", "tutorial", "practical"] = "lecture"
    periods_per_week: PositiveInt
    block_length: PositiveInt = 1
    grouping: Literal["together", "per_group", "per_subgroup"] = "together"
    room_type: Text = Field("", max_length=100)
    room_features: list[Text] = []
    fixed_instructor: Optional[Text] = None
    qualified_instructors: list[Text] = []
    min_working_days: NonNegativeInt = 0
    expected_students: Optional[NonNegativeInt] = None
    unavailable: list[Slot] = []


class CourseData(Schema):
    code: Text = Code
    name: Text = Field("", max_length=200)
    components: list[ComponentData] = Field(default=[], max_length=3)


class RoomIn(RoomData):
    term_id: Id


class InstructorIn(InstructorData):
    term_id: Id


class GroupIn(GroupData):
    term_id: Id


class CourseIn(CourseData):
    term_id: Id


class RoomOut(RoomIn):
    id: int


class InstructorOut(InstructorIn):
    id: int


class GroupOut(GroupIn):
    id: int


class CourseOut(CourseIn):
    id: int


class TermProblem(TermData):
    """A whole term inline: its week and all its data, cross-referenced by code."""

    rooms: list[RoomData] = Field(max_length=2000)
    instructors: list[InstructorData] = Field(max_length=5000)
    groups: list[GroupData] = Field(max_length=5000)
    courses: list[CourseData] = Field(max_length=5000)

    @field_validator("rooms", "instructors", "groups", "courses")
    @classmethod
    def codes_are_unique(cls, items):
        codes = [item.code for item in items]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"codes must be unique; repeated: {', '.join(duplicates)}")
        return items
