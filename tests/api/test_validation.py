"""Bad bodies: one error shape naming each field path."""

import pytest

from tests.accounts.factories import UserFactory
from tests.api.conftest import bearer
from tests.api.test_schedules import inline_problem
from timetabling.models import Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    return bearer(UserFactory())


def test_malformed_json_is_a_clear_422(client, headers):
    response = client.post("/api/v1/schedules", "{not json", content_type="application/json", **headers)
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_schema_errors_list_each_field_path(client, headers):
    problem = inline_problem()
    problem["rooms"][0]["capacity"] = "many"
    problem["courses"][0]["components"][0]["periods_per_week"] = 0
    response = client.post("/api/v1/schedules", {"problem": problem}, content_type="application/json", **headers)
    assert response.status_code == 422
    paths = {error["path"] for error in response.json()["errors"]}
    assert {"body.problem.rooms[0].capacity", "body.problem.courses[0].components[0].periods_per_week"} <= paths


def test_cross_reference_errors_are_listed_the_same_way(client, headers):
    problem = inline_problem()
    problem["courses"][0]["components"][0]["fixed_instructor"] = "NOBODY"
    problem["groups"][0]["courses"].append("GHOST")
    response = client.post("/api/v1/schedules", {"problem": problem}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "body.problem.courses[0].components[0].fixed_instructor", "message": "unknown instructor 'NOBODY'"},
        {"path": "body.problem.groups[0].courses[2]", "message": "unknown course 'GHOST'"},
    ]
    assert not Term.objects.exists()


def test_model_limits_are_named(client, headers):
    problem = inline_problem()
    problem["courses"][0]["components"][0]["periods_per_week"] = 13
    response = client.post("/api/v1/schedules", {"problem": problem}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert {"path": "body.problem.courses[0].components[0].periods_per_week",
            "message": "13 periods a week is more than the term's week of 12 periods."} in response.json()["errors"]


def test_oversized_bodies_and_uploads_are_413(client, headers, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/v1/schedules", {"problem": inline_problem(), "pad": "x" * 2000},
                           content_type="application/json", **headers)
    assert response.status_code == 413 and response.json()["detail"] == "The request body is too large."
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10**7
    settings.API_MAX_UPLOAD_BYTES = 100
    from io import BytesIO

    upload = BytesIO(b"x" * 200)
    upload.name = "big.ctt"
    response = client.post("/api/v1/terms/import-ctt", {"file": upload}, **headers)
    assert response.status_code == 413 and "limited to 100" in response.json()["detail"]


def test_both_or_neither_source_is_refused(client, headers):
    response = client.post("/api/v1/schedules", {"config": {}}, content_type="application/json", **headers)
    assert response.status_code == 422
    assert "give either term_id or problem" in response.json()["errors"][0]["message"]


def test_bad_ctt_upload_names_lines(client, headers):
    from io import BytesIO

    upload = BytesIO(b"Name: X\nCourses: 1\n")
    upload.name = "bad.ctt"
    response = client.post("/api/v1/terms/import-ctt", {"file": upload}, **headers)
    assert response.status_code == 422
    assert any(error["message"] for error in response.json()["errors"])


def test_nul_characters_are_a_422_naming_the_field(client, headers):
    response = client.post("/api/v1/terms", {"name": "A\x00", "day_names": ["Mon"], "periods": [{"name": "1"}]},
                           content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "body.name", "message": "text cannot contain NUL (\\u0000) characters"}]


def test_period_times_with_a_time_zone_are_refused(client, headers):
    body = {"name": "T", "day_names": ["Mon"], "periods": [{"name": "1", "start": "10:15:00+05:45", "end": "11:05"}]}
    response = client.post("/api/v1/terms", body, content_type="application/json", **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.periods[0].start"


@pytest.mark.parametrize("url", ["/api/v1/terms?offset=9223372036854775808", "/api/v1/terms?limit=9223372036854775808",
                                 "/api/v1/terms/9223372036854775808", "/api/v1/schedules?term_id=9223372036854775808"])
def test_integers_beyond_the_database_are_422(client, headers, url):
    assert client.get(url, **headers).status_code == 422
