"""Submission checks and admin scoping of runs (no worker needed: nothing gets solved)."""

import pytest
from django.urls import reverse

from scheduling import services
from scheduling.models import ScheduleRun
from tests.accounts.factories import UserFactory
from tests.timetabling.factories import CourseComponentFactory, CourseFactory, RoomFactory, TermFactory

pytestmark = pytest.mark.django_db


def impossible_term(organization):
    term = TermFactory(organization=organization)
    RoomFactory(term=term, room_type="Lecture")
    CourseComponentFactory(course=CourseFactory(term=term, code="CHEM"), kind="practical", room_type="Lab")
    return term


def test_impossible_data_is_refused_with_reasons_and_nothing_queued(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    term = impossible_term(user.organization)
    client.force_login(user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:scheduling_schedulerun_generate", args=[term.pk]), follow=True)
    assert not ScheduleRun.objects.exists() and not callbacks
    page = response.content.decode()
    assert "Lab" in page and "CHEM" in page


def test_second_active_run_of_a_term_is_refused(django_capture_on_commit_callbacks):
    user = UserFactory()
    term = TermFactory(organization=user.organization)
    ScheduleRun.objects.create(organization=user.organization, term=term, max_seconds=60, problem={}, problem_sha256="x")
    with pytest.raises(services.RunRefused, match="already has a run in progress"):
        services.run_submit(term=term, user=user)


def test_plan_limits_are_named(django_capture_on_commit_callbacks):
    user = UserFactory()
    term = TermFactory(organization=user.organization)
    with pytest.raises(services.RunRefused, match="the free plan allows at most 100, not 5000"):
        services.run_submit(term=term, user=user, generations=5000)


def test_other_organizations_runs_are_out_of_reach(client):
    other = ScheduleRun.objects.create(organization=(b := UserFactory()).organization,
                                       term=TermFactory(organization=b.organization), max_seconds=60, problem={},
                                       problem_sha256="x")
    client.force_login(UserFactory())
    listing = client.get(reverse("admin:scheduling_schedulerun_changelist")).content.decode()
    assert f"/{other.pk}/change/" not in listing
    missing = client.get(reverse("admin:scheduling_schedulerun_change", args=[987654]))
    opened = client.get(reverse("admin:scheduling_schedulerun_change", args=[other.pk]))
    assert (opened.status_code, opened.url) == (missing.status_code, missing.url)
    for name, args in (("status", [other.pk]), ("download", [other.pk, "xlsx"])):
        assert client.get(reverse(f"admin:scheduling_schedulerun_{name}", args=args)).status_code == 404
    assert client.post(reverse("admin:scheduling_schedulerun_cancel", args=[other.pk])).status_code == 404
    assert client.post(reverse("admin:scheduling_schedulerun_generate", args=[other.term_id])).status_code == 404
    other.refresh_from_db()
    assert not other.cancel_requested and ScheduleRun.objects.count() == 1


def test_viewer_cannot_generate(client):
    viewer = UserFactory(role="viewer")
    term = TermFactory(organization=viewer.organization)
    client.force_login(viewer)
    client.post(reverse("admin:scheduling_schedulerun_generate", args=[term.pk]))
    assert not ScheduleRun.objects.exists()


@pytest.mark.parametrize(("plan", "dedicated", "queue"), [("free", "", "engine"), ("pro", "", "engine.priority"),
                                                          ("enterprise", "", "engine.priority"),
                                                          ("enterprise", "engine.org.uni", "engine.org.uni")])
def test_runs_go_to_their_plans_queue(plan, dedicated, queue):
    user = UserFactory()
    organization = user.organization
    organization.plan, organization.dedicated_queue = plan, dedicated
    organization.save()
    # The test's transaction never commits, so no message is actually sent.
    run = services.run_submit(term=TermFactory(organization=organization), user=user, time_limit=5)
    assert run.queue == queue


def test_only_enterprise_organizations_have_a_dedicated_queue():
    from django.core.exceptions import ValidationError

    organization = UserFactory().organization
    organization.dedicated_queue = "engine.org.x"
    with pytest.raises(ValidationError, match="Only enterprise organizations"):
        organization.full_clean()
