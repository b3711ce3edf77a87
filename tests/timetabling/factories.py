import factory

from tests.accounts.factories import OrganizationFactory
from timetabling.models import Course, CourseComponent, Instructor, Period, Room, RoomFeature, StudentGroup, Term


class TermFactory(factory.django.DjangoModelFactory):
    """A term of five days × four periods."""

    class Meta:
        model = Term
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Term {n}")
    day_names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]

    @factory.post_generation
    def periods(self, create, extracted, **kwargs):
        if create:
            for index in range(extracted or 4):
                Period.objects.create(term=self, index=index, name=str(index + 1))


class RoomFeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoomFeature

    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"Feature {n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    term = factory.SubFactory(TermFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    capacity = 40
    room_type = "Lecture"


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    term = factory.SubFactory(TermFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.Sequence(lambda n: f"Instructor {n}")


class StudentGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudentGroup

    term = factory.SubFactory(TermFactory)
    code = factory.Sequence(lambda n: f"G{n}")
    size = 30


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    term = factory.SubFactory(TermFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"Course {n}")


class CourseComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseComponent

    course = factory.SubFactory(CourseFactory)
    kind = "lecture"
    periods_per_week = 2
    block_length = 1
