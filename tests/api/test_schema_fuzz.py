"""schemathesis against /api/schema/: generated requests, valid and not, for every operation of the API.

Every check schemathesis has runs (its default: all of them): whatever it sends, anonymously or as a
curator, the API answers without a server error, with a status, headers and body the schema
declares; it accepts what the schema says is valid and refuses what it says is not; it answers a
method it lacks with 405. Bounded: a few examples per operation, so it runs in every test run.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from .fuzzing import PLAIN, with_known_records

# Read once, at collection: drawing the schema needs no database.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_anonymous_requests(case, api_data):
    with_known_records(case)
    case.call_and_validate(headers=PLAIN)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_curator_requests(case, api_data, curator_token):
    with_known_records(case)
    case.call_and_validate(headers={"Authorization": curator_token, **PLAIN})
