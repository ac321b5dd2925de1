"""Errors of the native API are RFC 9457 problem details, documented so in /openapi.json."""

from __future__ import annotations

from typing import Any

import pytest
from api_world import ANNA_ORDER, World

PROBLEM_JSON = "application/problem+json"


def problem_of(response: Any, status: int) -> dict[str, Any]:
    """The body of an error answer, after checking the members RFC 9457 and docs/api.md name."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].split(";")[0] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    for member in ("type", "title", "detail", "instance", "code", "request_id"):
        assert isinstance(body[member], str), member
        assert body[member], member
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_an_unknown_token_is_a_plain_401_problem(sqlite_world: World) -> None:
    response = sqlite_world.client.get(
        "/api/v1/me", headers={"Authorization": "Bearer gbt_nothing-like-it"}
    )
    problem = problem_of(response, 401)
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Unauthorized"
    assert problem["code"] == "unauthenticated"
    assert problem["instance"] == "/api/v1/me"
    assert "unknown or revoked" in problem["detail"]
    assert "field" not in problem
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bad_input_has_its_own_type_and_names_the_field(sqlite_world: World) -> None:
    response = sqlite_world.get("anna", "/inbox", params={"limit": 0})
    problem = problem_of(response, 422)
    assert problem["type"] == "urn:gobetween:problem:invalid_input"
    assert problem["title"] == "Invalid input"
    assert problem["field"] == "limit"
    assert problem["instance"] == "/api/v1/inbox"


def test_a_foreign_thread_is_a_404_problem_with_the_callers_request_id(
    sqlite_world: World,
) -> None:
    response = sqlite_world.client.get(
        "/api/v1/threads/999999",
        headers=sqlite_world.headers("anna") | {"X-Request-ID": "support-ticket.17"},
    )
    problem = problem_of(response, 404)
    assert (problem["type"], problem["code"]) == ("about:blank", "not_found")
    assert problem["request_id"] == "support-ticket.17"


@pytest.mark.parametrize("supplied", ["", "has space", "x" * 65, "semi;colon"])
def test_a_malformed_request_id_is_replaced_by_a_fresh_one(
    sqlite_world: World, supplied: str
) -> None:
    response = sqlite_world.client.get("/api/v1/me", headers={"X-Request-ID": supplied})
    problem = problem_of(response, 401)
    assert problem["request_id"] != supplied
    assert len(problem["request_id"]) == 32


def test_unknown_paths_and_methods_under_the_api_are_problems_too(sqlite_world: World) -> None:
    missing = sqlite_world.get("anna", "/no-such-thing")
    assert problem_of(missing, 404)["instance"] == "/api/v1/no-such-thing"
    wrong_method = sqlite_world.client.delete("/api/v1/me", headers=sqlite_world.headers("anna"))
    assert problem_of(wrong_method, 405)["code"] == "method_not_allowed"
    # Outside the API (pages, static files) errors keep their own form.
    page = sqlite_world.client.get("/static/no-such-file.css")
    assert page.status_code == 404
    assert page.headers["content-type"].split(";")[0] != PROBLEM_JSON


def test_the_daily_limit_problem_carries_limit_count_reset_and_message(
    sqlite_world: World,
) -> None:
    world = sqlite_world
    policy = world.put("operator", "/operator/sellers/s-anna/policy", json={"daily_limit_base": 0})
    assert policy.status_code == 200, policy.text
    question = "Could you confirm the engraving text?"
    assert world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
    refused = world.send("anna", ANNA_ORDER, text=question, contact_reason="customization")
    problem = problem_of(refused, 429)
    assert problem["type"] == "urn:gobetween:problem:daily_limit"
    assert problem["code"] == "daily_limit"
    assert (problem["limit"], problem["count"]) == (1, 1)
    assert problem["reset"].startswith("2026-11-21T00:00:00")
    assert isinstance(problem["message_id"], int)
    assert int(refused.headers["Retry-After"]) > 0


def test_openapi_documents_every_api_error_as_problem_json(sqlite_world: World) -> None:
    schema = sqlite_world.client.get("/openapi.json").json()
    checked = 0
    for path, operations in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if int(status) < 400:
                    continue
                assert list(response["content"]) == [PROBLEM_JSON], (path, status)
                reference = response["content"][PROBLEM_JSON]["schema"]["$ref"]
                assert reference.endswith(("/Problem", "/DailyLimitProblem")), reference
                checked += 1
    assert checked > 100
    members = schema["components"]["schemas"]["Problem"]["required"]
    assert set(members) >= {"type", "title", "status", "detail", "instance", "code"}
