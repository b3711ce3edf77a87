"""Property-based fuzzing of the whole API from its OpenAPI document: no input gives a 500."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings as hypothesis_settings

from tests.api.conftest import bearer, organization_objects
from tests.accounts.factories import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def owner_headers(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 10**6
    user = UserFactory(role="owner")
    organization_objects(user.organization)
    return {"Authorization": bearer(user)["HTTP_AUTHORIZATION"]}


@pytest.mark.django_db(transaction=True)  # the WSGI handler closes connections after each request
@schema.parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_makes_the_api_fail(case, owner_headers):
    if case.operation.path.endswith("/events"):
        case.path_parameters = {"run_id": 0}  # a stream follows a live run; it is tested with a real worker
    response = case.call(headers=owner_headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:500]}"
