"""Tokens, users and the OpenAPI document."""

import pytest
from openapi_spec_validator import validate

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def obtain(client, username, password="correct-horse"):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json")


def test_wrong_password_is_401(client):
    user = UserFactory()
    response = obtain(client, user.username, "wrong")
    assert response.status_code == 401 and "Wrong user name or password" in response.json()["detail"]


def test_refresh_rotates_and_the_old_refresh_token_stops_working(client):
    user = UserFactory()
    first = obtain(client, user.username).json()
    rotated = client.post("/api/v1/auth/token/refresh", {"refresh": first["refresh"]}, content_type="application/json")
    assert rotated.status_code == 200 and rotated.json()["refresh"] != first["refresh"]
    again = client.post("/api/v1/auth/token/refresh", {"refresh": first["refresh"]}, content_type="application/json")
    assert again.status_code == 401
    access = rotated.json()["access"]
    assert client.get("/api/v1/terms", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 200


def test_passwords_are_hashed(client):
    user = UserFactory()
    stored = User.objects.get(pk=user.pk).password
    assert "correct-horse" not in stored and stored.count("$") >= 2


def test_owner_adds_users_to_their_own_organization(client):
    owner = UserFactory(role=User.Role.OWNER)
    response = client.post("/api/v1/users", {"username": "new-planner", "password": "long-password-1", "role": "planner"},
                           content_type="application/json", **bearer(owner))
    assert response.status_code == 201
    created = User.objects.get(username="new-planner")
    assert (created.organization, created.role, created.is_staff) == (owner.organization, "planner", True)
    assert obtain(client, "new-planner", "long-password-1").status_code == 200
    duplicate = client.post("/api/v1/users", {"username": "new-planner", "password": "long-password-1"},
                            content_type="application/json", **bearer(owner))
    assert duplicate.status_code == 422 and duplicate.json()["errors"][0]["path"] == "body.username"


def test_browser_session_of_an_admin_user_can_call_the_api(client):
    client.force_login(UserFactory())
    assert client.get("/api/v1/terms").status_code == 200


def test_openapi_document_is_valid_and_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    assert schema["info"]["version"] == "1"
    assert client.get("/api/v1/docs").status_code == 200
