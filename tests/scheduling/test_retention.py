"""Retention: old run outputs are deleted and their runs marked expired; younger ones stay."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from scheduling.models import ScheduleRun
from scheduling.services import runs_expire_outputs
from tests.accounts.factories import OrganizationFactory
from tests.timetabling.factories import TermFactory

pytestmark = pytest.mark.django_db


def finished_run(days_ago, media):
    organization = OrganizationFactory()
    run = ScheduleRun.objects.create(organization=organization, term=TermFactory(organization=organization),
                                     status=ScheduleRun.Status.SUCCEEDED, max_seconds=60, problem={},
                                     problem_sha256="0" * 64, queue="engine",
                                     finished_at=timezone.now() - timedelta(days=days_ago))
    run.schedule_file.save("schedule.json", ContentFile(b"{}"), save=False)
    run.workbook_file.save("timetable.xlsx", ContentFile(b"xlsx"))
    return run


def test_outputs_older_than_the_retention_age_are_deleted(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RUN_RETENTION_DAYS = 30
    old, young = finished_run(31, tmp_path), finished_run(29, tmp_path)
    old_paths = [old.schedule_file.path, old.workbook_file.path]

    assert runs_expire_outputs() == [old.pk]
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.expired_at is not None and not old.schedule_file and not old.workbook_file
    assert not any(tmp_path.joinpath(path).exists() for path in old_paths)
    assert old.status == ScheduleRun.Status.SUCCEEDED  # the record stays; only its files go
    assert young.expired_at is None and young.schedule_file.storage.exists(young.schedule_file.name)
    assert runs_expire_outputs() == []
