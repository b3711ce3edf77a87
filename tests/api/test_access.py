"""Every endpoint × {no token, expired token, another organization's object, viewer role}.

The table below must name every operation of the API: a new endpoint that is not added here
(and so not checked for scoping) fails test_every_operation_is_covered.
"""

from datetime import timedelta
from io import BytesIO

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from config.api import api
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1"
TERM_BODY = {"name": "New term", "day_names": ["Monday"], "periods": [{"name": "1"}]}
PROBLEM = {"format": "timetable-problem/1", "name": "Imported", "days": ["Monday"], "periods": [{"name": "1"}],
           "rooms": [{"id": "R", "capacity": 10}], "instructors": [{"id": "T"}], "groups": [{"id": "G", "size": 5}],
           "courses": [{"id": "C"}],
           "classes": [{"id": "C", "course": "C", "kind": "lecture", "groups": ["G"], "periods_per_week": 1,
                        "instructors": ["T"], "students": 5}]}
CTT = b"Name: X\nCourses: 1\nRooms: 1\nDays: 1\nPeriods_per_day: 1\nCurricula: 1\nConstraints: 0\n\nCOURSES:\nc t 1 1 5\n\nROOMS:\nr 10\n\nCURRICULA:\nq 1 c\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n"


def data_body(kind, ids):
    term = ids["term"]
    return {"room": {"term_id": term, "code": "NEW", "capacity": 10}, "instructor": {"term_id": term, "code": "NEW"},
            "group": {"term_id": term, "code": "NEW"}, "course": {"term_id": term, "code": "NEW"}}[kind]


# (method, path): (what the path's id names or None, body builder or None, writes?)
OPERATIONS = {
    ("GET", "/users"): (None, None, "owner"),
    ("POST", "/users"): (None, lambda ids: {"username": "someone", "password": "long-password-1"}, "owner"),
    ("GET", "/terms"): (None, None, False),
    ("POST", "/terms"): (None, lambda ids: TERM_BODY, True),
    ("GET", "/terms/{term_id}"): ("term", None, False),
    ("PUT", "/terms/{term_id}"): ("term", lambda ids: TERM_BODY, True),
    ("DELETE", "/terms/{term_id}"): ("term", None, True),
    ("GET", "/terms/{term_id}/problem"): ("term", None, False),
    ("POST", "/terms/import"): (None, lambda ids: PROBLEM, True),
    ("POST", "/terms/import-ctt"): (None, "ctt", True),
    ("POST", "/schedules"): ("term", lambda ids: {"term_id": ids["term"]}, True),
    ("GET", "/schedules"): (None, None, False),
    ("GET", "/schedules/{run_id}"): ("run", None, False),
    ("GET", "/schedules/{run_id}/status"): ("run", None, False),
    ("GET", "/schedules/{run_id}/download"): ("run", None, False),
    ("POST", "/schedules/{run_id}/cancel"): ("run", None, True),
    ("GET", "/schedules/{run_id}/events"): ("run", None, False),
}
for plural, kind in (("rooms", "room"), ("instructors", "instructor"), ("groups", "group"), ("courses", "course")):
    OPERATIONS.update({
        ("GET", f"/{plural}"): (None, None, False),
        ("POST", f"/{plural}"): ("term", lambda ids, kind=kind: data_body(kind, ids), True),
        ("GET", f"/{plural}/{{item_id}}"): (kind, None, False),
        ("PUT", f"/{plural}/{{item_id}}"): (kind, lambda ids, kind=kind: data_body(kind, ids), True),
        ("DELETE", f"/{plural}/{{item_id}}"): (kind, None, True),
    })
SECURED = sorted(OPERATIONS)


def call(client, method, path, ids, headers):
    names, build, _ = OPERATIONS[(method, path)]
    url = PREFIX + path.format(term_id=ids["term"], run_id=ids["run"], item_id=ids.get(names, 0))
    if build == "ctt":
        upload = BytesIO(CTT)
        upload.name = "x.ctt"
        return client.post(url, {"file": upload}, **headers)
    kwargs = {"data": build(ids), "content_type": "application/json"} if build else {}
    return getattr(client, method.lower())(url, **kwargs, **headers)


def test_every_operation_is_covered():
    schema = api.get_openapi_schema()
    found = {(method.upper(), path.removeprefix(PREFIX)) for path, ops in schema["paths"].items() for method in ops}
    public = {("POST", "/auth/token"), ("POST", "/auth/token/refresh")}
    assert found - public == set(OPERATIONS)


@pytest.mark.parametrize("operation", SECURED, ids=" ".join)
def test_no_token_is_401(client, org_a, operation):
    response = call(client, *operation, org_a["ids"], {})
    assert response.status_code == 401 and response.json()["detail"].startswith("Authentication required")


@pytest.mark.parametrize("operation", SECURED, ids=" ".join)
def test_expired_token_is_401(client, org_a, operation):
    token = AccessToken.for_user(org_a["owner"])
    token.set_exp(lifetime=-timedelta(seconds=1))
    assert call(client, *operation, org_a["ids"], {"HTTP_AUTHORIZATION": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize("operation", SECURED, ids=" ".join)
def test_other_organizations_object_is_404_or_absent(client, org_a, org_b, operation):
    names, _, writes = OPERATIONS[operation]
    user = org_a["owner"]
    if names is None:
        response = call(client, *operation, org_b["ids"], bearer(user))
        assert response.status_code < 400, response.content
        if operation[0] == "GET":  # a listing: none of B's rows
            assert all(item["id"] not in org_b["ids"].values() or item.get("term_id") != org_b["ids"]["term"]
                       for item in response.json()["items"] if "id" in item)
            assert org_b["owner"].username not in response.content.decode()
        return
    response = call(client, *operation, org_b["ids"], bearer(user))
    assert response.status_code == 404, response.content
    missing = call(client, *operation, {key: 999999 for key in org_b["ids"]}, bearer(user))
    assert missing.json() == response.json()


@pytest.mark.parametrize("operation", SECURED, ids=" ".join)
def test_viewer_reads_but_cannot_write(client, org_a, operation):
    _, _, writes = OPERATIONS[operation]
    response = call(client, *operation, org_a["ids"], bearer(org_a["viewer"]))
    if writes:
        assert response.status_code == 403, response.content
    else:
        assert response.status_code not in {401, 403, 404}, response.content


def test_planners_write_but_do_not_manage_users(client, org_a):
    planner = bearer(org_a["planner"])
    assert call(client, "POST", "/rooms", org_a["ids"], planner).status_code == 201
    assert call(client, "GET", "/users", org_a["ids"], planner).status_code == 403
