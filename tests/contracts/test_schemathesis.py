"""schemathesis against the OpenAPI schema the server publishes: for every operation, a bounded number of
generated requests (valid and invalid) with a tenant administrator's token, through the WSGI app on the
test database. No 5xx, no status code, content type, header or body the schema does not declare, and
what the schema allows is accepted.

VOIPMON_SCHEMATHESIS_EXAMPLES sets the examples per operation (default 25).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from apps.users.services import token_issue

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("VOIPMON_SCHEMATHESIS_EXAMPLES", "25"))
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def served_schema(world, settings, tmp_path):
    """The schema as served, bound to the WSGI app. As Django's test client does, the request signals do
    not close the connection, which holds the test's transaction."""
    settings.MEDIA_ROOT = tmp_path / "media"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
        schema.config.checks.positive_data_acceptance.expected_statuses = ACCEPTED
        yield schema
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Requests a schema cannot tell apart from good ones, so a refusal of them is not "valid data rejected":
# credentials that are well formed but wrong, a file that is not a capture, a password the password
# validators refuse (too short, too common, too like the user name).
CONTENT_NOT_IN_SCHEMA = {
    "POST /api/v1/auth/token/",
    "POST /api/v1/captures/",
    "POST /api/v1/users/",
    "PUT /api/v1/users/{id}/",
    "PATCH /api/v1/users/{id}/",
}
# Valid requests may meet an object in a state that refuses them: the named "not available" outcomes
# (an export not ready or expired, a call without media), and a clash with an existing name (409).
ACCEPTED = ["2xx", "401", "403", "404", "409", "410", "422", "429"]


def operation_check(operation, headers):
    excluded = [positive_data_acceptance] if operation.label in CONTENT_NOT_IN_SCHEMA else []

    @HYPOTHESIS
    @given(case=operation.as_strategy())
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    return check


def test_every_operation_answers_as_the_schema_says(served_schema, world):
    headers = {"Authorization": f"Token {token_issue(user=world.admin_a)}"}
    failures, operations = [], 0
    for result in served_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            operation_check(operation, headers)()
        except (Exception, BaseExceptionGroup) as exc:  # every operation runs; failures are reported together
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 20, operations
    assert not failures, "\n\n".join(failures)
