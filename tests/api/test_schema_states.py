"""schemathesis's stateful testing: sequences of requests that follow the schema's links.

A scenario creates a paper, reads it, changes it with the ETag it read, tags, cites, merges and
deletes it, or starts from a list and works on what it lists: every check schemathesis has runs
on every answer (no server error, status, headers and body as declared, what is created can be
read back, what is deleted is gone, ...). Each scenario starts from the same small library: the
database is put back after it, so a scenario's requests decide what it sees.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.config import PositiveDataAcceptanceConfig

from .fuzzing import PLAIN, with_known_records

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# The schema's own links say how records lead to each other; guessed ones would test the guess.
schema.config.phases.stateful.inference.algorithms = []
# A link hands on the ETag of an earlier read: when the scenario changed the record since, the valid
# request's right answer is 412, as a stale id's is 404 (a random ETag is never sent: fuzzing.py).
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=[*PositiveDataAcceptanceConfig().expected_statuses, "412"]
)


class Scenarios(schema.as_state_machine()):
    token: str | None = None

    def setup(self):
        self.before = transaction.savepoint()

    def teardown(self):
        transaction.savepoint_rollback(self.before)

    def step(self, input):
        from_links = frozenset(name for _, name in input.applied_parameters)
        body = input.transition.request_body if input.transition is not None else None
        linked_body = body.value.ok() if body is not None and hasattr(body.value, "ok") else None
        if isinstance(linked_body, dict) and isinstance(input.case.body, dict):
            for name, value in linked_body.items():
                # schemathesis keeps the generated items after a linked list's; the link names the list
                if name in from_links and isinstance(value, list):
                    input.case.body[name] = value
        with_known_records(input.case, linked=from_links)
        return super().step(input)

    def get_call_kwargs(self, case):
        return {"headers": PLAIN}


@schema.auth(refresh_interval=None)
class ScenarioToken:
    """The scenario's account, as schemathesis's own credentials (its auth checks probe without them)."""

    def get(self, case, context):
        return Scenarios.token

    def set(self, case, token, context):
        if token is not None:
            case.headers = {**(case.headers or {}), "Authorization": token}


def run_scenarios(token: str | None, examples: int) -> None:
    Scenarios.token = token
    Scenarios.run(
        settings=settings(
            max_examples=examples,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )


def test_the_links_reach_every_operation_that_names_a_record():
    linked = schema.operations_with_incoming_links()
    named = {
        f"{method.upper()} {path}"
        for path, item in schema.raw_schema["paths"].items()
        for method in item
        if "{id}" in path and method in ("get", "put", "patch", "delete", "post")
    }
    assert named <= linked, sorted(named - linked)


@pytest.mark.slow
def test_curator_scenarios(api_data, curator_token):
    run_scenarios(curator_token, examples=100)


@pytest.mark.slow
def test_anonymous_scenarios(api_data):
    run_scenarios(None, examples=30)
