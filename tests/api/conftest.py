import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from scheduling.models import ScheduleRun
from tests.accounts.factories import UserFactory
from tests.timetabling.factories import (
    CourseComponentFactory,
    CourseFactory,
    InstructorFactory,
    RoomFactory,
    StudentGroupFactory,
    TermFactory,
)


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(user)}"}


def organization_objects(organization):
    """One of everything the API reaches, in ``organization``."""
    term = TermFactory(organization=organization)
    course = CourseFactory(term=term)
    CourseComponentFactory(course=course)
    run = ScheduleRun.objects.create(organization=organization, term=term, status=ScheduleRun.Status.SUCCEEDED,
                                     max_seconds=60, problem={}, problem_sha256="0" * 64, queue="engine")
    return {"term": term.pk, "room": RoomFactory(term=term).pk, "instructor": InstructorFactory(term=term).pk,
            "group": StudentGroupFactory(term=term).pk, "course": course.pk, "run": run.pk}


@pytest.fixture
def org_a():
    owner = UserFactory(role=User.Role.OWNER)
    organization = owner.organization
    return {
        "owner": owner,
        "planner": UserFactory(organization=organization, role=User.Role.PLANNER),
        "viewer": UserFactory(organization=organization, role=User.Role.VIEWER),
        "ids": organization_objects(organization),
    }


@pytest.fixture
def org_b():
    owner = UserFactory(role=User.Role.OWNER)
    return {"owner": owner, "ids": organization_objects(owner.organization)}
