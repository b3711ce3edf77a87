"""JSON log lines: run_logger's fields, the formatter, and a real server's output."""

import io
import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.logging import JsonFormatter, logging_config, run_logger
from scheduling.models import ScheduleRun
from tests.accounts.factories import OrganizationFactory
from tests.ops.conftest import http_get
from tests.timetabling.factories import TermFactory


@pytest.fixture
def json_lines():
    """The JSON objects logged under "scheduling" during the test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("scheduling")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.django_db
def test_every_line_of_run_logger_carries_the_run_and_its_organization(json_lines):
    organization = OrganizationFactory(slug="north-campus")
    run = ScheduleRun.objects.create(organization=organization, term=TermFactory(organization=organization),
                                     max_seconds=60, problem={}, problem_sha256="0" * 64, queue="engine")
    log = run_logger(run)

    log.info("engine started with %d individuals", 40, extra={"engine_pid": 4242})
    try:
        raise RuntimeError("engine exited with 1")
    except RuntimeError:
        log.exception("engine failed")

    started, failed = json_lines()
    assert started["message"] == "engine started with 40 individuals"
    assert started["level"] == "INFO"
    assert started["logger"] == "scheduling.run"
    assert started["run_id"] == run.pk
    assert started["organization"] == "north-campus"
    assert started["engine_pid"] == 4242
    assert started["timestamp"].endswith("+00:00")
    assert failed["level"] == "ERROR"
    assert (failed["run_id"], failed["organization"]) == (run.pk, "north-campus")
    assert "RuntimeError: engine exited with 1" in failed["exception"]


def test_log_format_must_be_json_or_text():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config("xml", "INFO")


@pytest.mark.django_db
def test_a_web_server_with_log_format_json_writes_only_json_lines(web_server, web_server_log):
    # A failing readiness probe logs through Django (django.request) and gunicorn logs its start.
    http_get(f"{web_server}/readyz")
    lines = [json.loads(line) for line in web_server_log.read_text().splitlines() if line.strip()]
    assert {line["logger"] for line in lines} >= {"gunicorn.error", "django.request"}
    for line in lines:
        assert {"timestamp", "level", "logger", "message"} <= line.keys()
