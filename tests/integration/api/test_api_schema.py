"""Schemathesis against our own /openapi.json: generated requests never get a 5xx, and every
response matches the schema (status code, content type and body) the route documents."""

from __future__ import annotations

from typing import Any, cast

import pytest
import schemathesis
from api_world import World
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Bounded: a few examples per operation and caller keep this in seconds; CI runs it every time.
EXAMPLES = 8


@pytest.mark.slow
def test_generated_requests_get_documented_answers_and_never_a_5xx(sqlite_world: World) -> None:
    world = sqlite_world
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    # An operation the loader cannot read comes back as an error; .ok() raises it.
    operations = [cast(Any, result).ok() for result in schema.get_all_operations()]
    api = [operation for operation in operations if operation.path.startswith("/api/v1/")]
    assert len(api) >= 20
    for operation in api:
        for who in ("anna", "mira", "operator"):
            exercise(operation, world.headers(who))


def exercise(operation: Any, headers: dict[str, str]) -> None:
    """Run generated cases of one operation as one caller."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def call(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()
