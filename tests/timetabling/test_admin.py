"""Admin scoping: a staff user sees and edits only their organization's rows."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.timetabling.factories import (
    CourseComponentFactory,
    CourseFactory,
    InstructorFactory,
    RoomFactory,
    RoomFeatureFactory,
    StudentGroupFactory,
    TermFactory,
)
from timetabling.models import Course, CourseComponent, Instructor, Room, RoomFeature, StudentGroup, Term

pytestmark = pytest.mark.django_db

SCOPED = {
    Term: lambda term: term,
    Room: lambda term: RoomFactory(term=term, code="R-SECRET"),
    RoomFeature: lambda term: RoomFeatureFactory(term=term, name="SECRET feature"),
    Instructor: lambda term: InstructorFactory(term=term, code="T-SECRET", name="SECRET teacher"),
    StudentGroup: lambda term: StudentGroupFactory(term=term, code="G-SECRET"),
    Course: lambda term: CourseFactory(term=term, code="C-SECRET"),
    CourseComponent: lambda term: CourseComponentFactory(course=CourseFactory(term=term, code="C-SECRET2")),
}


@pytest.fixture
def planner_a(client):
    user = UserFactory(role=User.Role.PLANNER)
    client.force_login(user)
    return user


@pytest.fixture
def term_b():
    return TermFactory(name="SECRET term of B")


def admin_url(model, view, *args):
    return reverse(f"admin:timetabling_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", list(SCOPED), ids=lambda m: m.__name__)
def test_other_organizations_rows_are_absent(client, planner_a, term_b, model):
    own = SCOPED[model](TermFactory(organization=planner_a.organization))
    other = SCOPED[model](term_b)

    listing = client.get(admin_url(model, "changelist"))
    assert listing.status_code == 200
    assert f"/{own.pk}/change/" in listing.content.decode()
    assert f"/{other.pk}/change/" not in listing.content.decode()

    # Opening another organization's row answers exactly like a row that does not exist.
    missing = client.get(admin_url(model, "change", 987654))
    opened = client.get(admin_url(model, "change", other.pk))
    assert (opened.status_code, opened.url) == (missing.status_code, missing.url) == (302, reverse("admin:index"))
    assert client.get(admin_url(model, "delete", other.pk)).status_code == 302

    # A bulk delete that names the other row deletes nothing.
    client.post(admin_url(model, "changelist"), {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"})
    assert model.objects.filter(pk=other.pk).exists()


def test_changing_another_organizations_row_changes_nothing(client, planner_a, term_b):
    room = RoomFactory(term=term_b, capacity=40)
    client.post(admin_url(Room, "change", room.pk), {"code": room.code, "capacity": 1, "term": term_b.pk})
    room.refresh_from_db()
    assert room.capacity == 40


def test_autocomplete_and_choices_offer_only_own_rows(client, planner_a, term_b):
    own = TermFactory(organization=planner_a.organization, name="Own term")
    found = client.get(reverse("admin:autocomplete"), {
        "app_label": "timetabling", "model_name": "room", "field_name": "term", "term": "term"}).json()
    assert [item["id"] for item in found["results"]] == [str(own.pk)]

    form = client.get(admin_url(Room, "add")).content.decode()
    assert "SECRET term of B" not in form


def test_downloads_of_another_organizations_term_are_404(client, planner_a, term_b):
    assert client.get(reverse("admin:timetabling_term_problem", args=[term_b.pk])).status_code == 404
    assert client.get(reverse("admin:timetabling_term_spreadsheet", args=[term_b.pk])).status_code == 404


def test_viewer_reads_but_cannot_change(client):
    viewer = UserFactory(role=User.Role.VIEWER)
    room = RoomFactory(term=TermFactory(organization=viewer.organization), capacity=40)
    client.force_login(viewer)
    assert client.get(admin_url(Room, "changelist")).status_code == 200
    assert client.get(admin_url(Room, "add")).status_code == 403
    client.post(admin_url(Room, "change", room.pk), {"code": room.code, "capacity": 1, "term": room.term_id})
    room.refresh_from_db()
    assert room.capacity == 40


def test_superuser_sees_every_organization(client, term_b):
    client.force_login(UserFactory(organization=None, is_superuser=True))
    assert f"/{term_b.pk}/change/" in client.get(admin_url(Term, "changelist")).content.decode()


def test_unavailability_is_edited_as_a_grid(client, planner_a):
    term = TermFactory(organization=planner_a.organization)
    room = RoomFactory(term=term)
    page = client.get(admin_url(Room, "change", room.pk)).content.decode()
    assert 'name="unavailable_4_3"' in page and 'aria-label="Friday 4"' in page
    response = client.post(admin_url(Room, "change", room.pk), {
        "term": term.pk, "code": room.code, "capacity": 25, "room_type": "Lab",
        "unavailable_0_0": "on", "unavailable_4_3": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    room.refresh_from_db()
    assert (room.capacity, room.unavailable) == (25, [[0, 0], [4, 3]])


def test_bad_values_get_a_message_naming_the_limit(client, planner_a):
    term = TermFactory(organization=planner_a.organization)
    response = client.post(admin_url(Room, "add") + f"?term={term.pk}", {"term": term.pk, "code": "X", "capacity": -3})
    assert "Capacity must be 0 or more, not -3." in response.content.decode()
    assert not Room.objects.filter(code="X").exists()


def test_cross_object_problems_are_listed_on_the_term_page(client, planner_a):
    term = TermFactory(organization=planner_a.organization)
    RoomFactory(term=term, room_type="Lab")
    lab = CourseComponentFactory(course=CourseFactory(term=term, code="CHEM"), kind="practical",
                                 room_type="Lab", periods_per_week=2, block_length=2)
    lab.required_features.set([RoomFeatureFactory(term=term, name="Fume hood")])
    page = client.get(admin_url(Term, "change", term.pk)).content.decode()
    assert "CHEM/practical: no qualified instructor." in page
    assert "CHEM/practical: no Lab room has Fume hood." in page


def test_admin_is_branded_and_grids_are_styled(client, planner_a):
    room = RoomFactory(term=TermFactory(organization=planner_a.organization))
    page = client.get(admin_url(Room, "change", room.pk)).content.decode()
    assert "Timetabling back office" in page and "timetabling/slot-grid.css" in page
