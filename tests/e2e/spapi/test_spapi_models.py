"""Schemathesis, driven by Amazon's own Messaging and Solicitations models, against a live server.

Every operation of messaging.json and solicitations.json gets generated requests (real and
random order ids, generated bodies and marketplace ids, and invalid ones) sent to a real
`gobetween serve`; every answer must be one the model documents, in status, content type, headers
and body, and none may be a 5xx. (Run once with 150 examples per operation and mode as well.)
The models are read from ../shared/spapi-models/; the test fails without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from spapi_live import CUSTOM, DE, GOBETWEEN, REVIEWS, Live, live_server, model

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not GOBETWEEN.exists(), reason="the console script is not installed"),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
# Real orders of the seller (so answers are not all 404) and one of another seller.
ORDER_IDS = st.sampled_from([CUSTOM, *REVIEWS, "114-3941689-8772232"])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    # Usage plans off: Hypothesis sends far more than Amazon's 1 request per second.
    with live_server(tmp_path_factory.mktemp("spapi-models"), rate_limit_scale=0) as running:
        yield running


@pytest.mark.parametrize("name", ["messaging.json", "solicitations.json"])
def test_every_answer_conforms_to_amazon_models(live: Live, name: str) -> None:
    schema = schemathesis.openapi.from_path(model(name))
    operations = [cast(Any, result).ok() for result in schema.get_all_operations()]
    assert len(operations) >= (11 if name == "messaging.json" else 2)
    headers = {"x-amz-access-token": live.seller_token}
    seen: dict[str, set[int]] = {}
    for operation in operations:
        seen[operation.label] = exercise(operation, live.base, headers)
        # Invalid requests (wrong types, missing parameters) must get documented answers too.
        exercise(operation, live.base, headers, GenerationMode.NEGATIVE)
    # The generated requests got past the order lookup everywhere, and some were answered in full
    # (the attachment-only types can only fail here: their generated upload ids do not exist).
    for label, statuses in seen.items():
        assert statuses - {404}, (label, statuses)
    answered = {label for label, statuses in seen.items() if statuses & {200, 201}}
    assert len(answered) >= 2, seen


def exercise(
    operation: Any,
    base: str,
    headers: dict[str, str],
    mode: GenerationMode = GenerationMode.POSITIVE,
) -> set[int]:
    """Generated cases of one operation: as generated, or aimed at a real order and marketplace."""

    @given(case=operation.as_strategy(mode), order_id=ORDER_IDS, aim=st.booleans())
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def call(case: Any, order_id: str, aim: bool) -> None:
        if aim and mode == GenerationMode.POSITIVE:
            case.path_parameters["amazonOrderId"] = order_id
            case.query = {**(case.query or {}), "marketplaceIds": [DE]}
        response = case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)
        statuses.add(response.status_code)

    statuses: set[int] = set()
    call()
    return statuses
