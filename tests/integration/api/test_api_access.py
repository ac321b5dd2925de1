"""Tokens, errors, rate limits, operator endpoints and inbox paging through the real app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from api_world import ANNA_ORDER, BEN_ORDER, World, make_world
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from gobetween.adapters.db import access_tables as a
from gobetween.adapters.db import migrate
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.adapters.db.engine import build_engine
from gobetween.entrypoints.cli import app as cli
from gobetween.services.access import VerifiedTokens, token_hash


def test_only_the_sha256_of_a_token_is_stored(world: World) -> None:
    with world.platform.engine.connect() as connection:
        rows = connection.execute(select(a.api_tokens.c.token_hash, a.api_tokens.c.prefix)).all()
    stored = {row.token_hash for row in rows}
    for token in world.tokens.values():
        assert token_hash(token) in stored
        assert token not in stored
    assert all(len(row.prefix) == 12 for row in rows)


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "required"),
        ("Bearer gbt_not-a-real-token", "unknown or revoked"),
        ("Bearer hunter2", "malformed"),
        ("Basic YWxhZGRpbjpvcGVuc2VzYW1l", "required"),
    ],
)
def test_bad_credentials_answer_401(
    sqlite_world: World, authorization: str | None, message: str
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = sqlite_world.client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert message in response.json()["detail"]


def test_the_tokens_command_creates_lists_and_revokes(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = sqlite_world
    # The server trusts a verified token for api_token_cache_seconds (5 by default); this clock
    # says when that has passed.
    seconds = [0.0]
    world.client.app.state.api_verified_tokens = VerifiedTokens(5.0, now=lambda: seconds[0])
    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", world.platform.settings.database_url)
    runner = CliRunner()
    created = runner.invoke(cli, ["tokens", "create", "--role", "seller", "--seller", "s-ben"])
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith("gbt_")
    me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"role": "seller", "seller_id": "s-ben", "buyer_id": None}
    listed = runner.invoke(cli, ["tokens", "list"])
    assert listed.exit_code == 0
    assert token not in listed.stdout
    with SqlAccessUnitOfWork(world.platform.engine) as uow:
        record = uow.access.tokens.find_active_by_hash(token_hash(token))
    assert record is not None
    revoked = runner.invoke(cli, ["tokens", "revoke", str(record.id)])
    assert revoked.exit_code == 0, revoked.output
    seconds[0] = 4.9
    within = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert within.status_code == 200, "verified 4.9 s ago: not looked up again yet"
    seconds[0] = 5.0
    after = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401
    again = runner.invoke(cli, ["tokens", "revoke", str(record.id)])
    assert again.exit_code == 1
    assert "already revoked" in again.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--role", "seller"], "seller_id"),
        (["--role", "seller", "--seller", "nobody"], "not found"),
        (["--role", "operator", "--buyer", "b-mira"], "buyer_id"),
        (["--role", "admin"], "role"),
    ],
)
def test_the_tokens_command_names_what_is_wrong(
    sqlite_world: World, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", sqlite_world.platform.settings.database_url)
    result = CliRunner().invoke(cli, ["tokens", "create", *args])
    assert result.exit_code != 0
    assert says in result.output


@pytest.fixture
def limited_world(tmp_path: Path) -> Iterator[World]:
    url = f"sqlite:///{tmp_path / 'limited.db'}"
    engine = build_engine(url)
    migrate.upgrade(engine)
    world = make_world(engine, url, tmp_path, api_requests_per_minute=3)
    try:
        yield world
    finally:
        world.client.close()
        world.platform.close()
        engine.dispose()


def test_each_token_has_its_own_rate_limit_with_retry_after(limited_world: World) -> None:
    statuses = [limited_world.get("anna", "/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = limited_world.get("anna", "/me")
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited_world.get("ben", "/me").status_code == 200


def test_errors_carry_the_request_id_and_name_the_field(sqlite_world: World) -> None:
    response = sqlite_world.client.get(
        "/api/v1/inbox",
        params={"limit": 0},
        headers=sqlite_world.headers("anna") | {"X-Request-ID": "trace-42"},
    )
    assert response.status_code == 422
    assert response.headers["X-Request-ID"] == "trace-42"
    assert response.json()["request_id"] == "trace-42"
    assert response.json()["field"] == "limit"
    typo = sqlite_world.send("anna", ANNA_ORDER, txt="Hello")
    assert typo.status_code == 422
    assert typo.json()["field"] == "txt"
    generated = sqlite_world.get("anna", "/threads/999")
    assert generated.status_code == 404
    assert len(generated.headers["X-Request-ID"]) == 32


def test_operator_upserts_use_the_imports_validation(sqlite_world: World) -> None:
    world = sqlite_world
    buyer = {"name": "Lea Rossi", "email": "lea@mail.example", "language": "it"}
    created = world.put("operator", "/operator/buyers/b-lea", json=buyer)
    assert created.json() == {"id": "b-lea", "kind": "buyer", "created": True}
    updated = world.put("operator", "/operator/buyers/b-lea", json=buyer | {"opted_out": True})
    assert updated.json()["created"] is False
    bad = world.put("operator", "/operator/buyers/b-bad", json=buyer | {"email": "not-an-address"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "email"
    assert world.get("operator", "/operator/sellers/s-ghost/policy").status_code == 404
    mismatch = world.put("operator", "/operator/buyers/b-lea", json=buyer | {"id": "b-other"})
    assert mismatch.json()["field"] == "id"


def test_a_sellers_essential_link_domain_is_allowed_by_the_policy(sqlite_world: World) -> None:
    world = sqlite_world
    text = "Please upload your design at https://designs.anna.example/order so we can start."
    before = world.send("anna", ANNA_ORDER, text=text, contact_reason="customization").json()
    assert "external_link" in before["verdict"]["categories"]
    policy = world.put(
        "operator",
        "/operator/sellers/s-anna/policy",
        json={"allowed_link_domains": ["Designs.Anna.Example"]},
    )
    assert policy.json()["allowed_link_domains"] == ["designs.anna.example"]
    after = world.send("anna", ANNA_ORDER, text=text, contact_reason="customization").json()
    assert "external_link" not in after["verdict"]["categories"]
    bad = world.put(
        "operator",
        "/operator/sellers/s-anna/policy",
        json={"allowed_link_domains": ["not a domain"]},
    )
    assert bad.json()["field"] == "allowed_link_domains[0]"
    unknown = world.put("operator", "/operator/sellers/s-anna/policy", json={"profile": "nope"})
    assert unknown.status_code == 422


def test_policy_profiles_are_validated_by_the_checker_and_stored(sqlite_world: World) -> None:
    world = sqlite_world
    profile = {"extends": "amazon", "limits": {"daily_limit_base": 300}}
    stored = world.put("operator", "/operator/policy-profiles/strict", json=profile)
    assert stored.status_code == 200, stored.text
    assert world.get("operator", "/operator/policy-profiles/strict").json()["name"] == "strict"
    policy = world.put("operator", "/operator/sellers/s-anna/policy", json={"profile": "strict"})
    assert policy.json()["profile"] == "strict"
    builtin = world.put("operator", "/operator/policy-profiles/amazon", json=profile)
    assert builtin.json()["field"] == "name"


def test_the_inbox_pages_by_cursor_and_filters_by_alias(world: World) -> None:
    for number in range(5):
        world.send("mira", ANNA_ORDER, text=f"Question number {number}?")
    world.send("noah", BEN_ORDER, text="Where is my parcel?")
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, object] = {"view": "all", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = world.get("anna", "/inbox", params=params).json()
        seen += [entry["message_id"] for entry in page["entries"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 5
    assert seen == sorted(seen, reverse=True)
    newest = world.get("anna", "/inbox", params={"view": "all"}).json()["entries"][0]
    thread = world.get("anna", f"/threads/{newest['thread_id']}").json()
    alias = thread["buyer"]["alias"]
    assert alias.endswith("@relay.market.test")
    by_alias = world.get("anna", "/inbox", params={"view": "all", "alias": alias.upper()}).json()
    assert len(by_alias["entries"]) == 5
    noah_alias = world.get("ben", "/inbox", params={"view": "all"}).json()["entries"][0]
    ben_thread = world.get("ben", f"/threads/{noah_alias['thread_id']}").json()
    foreign = world.get(
        "anna", "/inbox", params={"view": "all", "alias": ben_thread["buyer"]["alias"]}
    )
    assert foreign.json()["entries"] == []
    bad = world.get("anna", "/inbox", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "cursor"


def test_a_json_body_over_one_megabyte_is_refused_before_it_is_read(sqlite_world: World) -> None:
    response = sqlite_world.client.post(
        f"/api/v1/orders/{ANNA_ORDER}/messages",
        content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers=sqlite_world.headers("anna") | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_requires_response_pages_by_time_left(world: World) -> None:
    sent = []
    for number in range(3):
        world.clock.now += timedelta(minutes=5)
        message = world.send("mira", ANNA_ORDER, text=f"Question {number}?").json()
        sent.append(message["message_id"])
    first = world.get("anna", "/inbox", params={"limit": 2}).json()
    assert [e["message_id"] for e in first["entries"]] == sent[:2]
    rest = world.get("anna", "/inbox", params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [e["message_id"] for e in rest["entries"]] == sent[2:]
    assert rest["next_cursor"] is None
    by_order = world.get("anna", "/inbox", params={"order_id": BEN_ORDER}).json()
    assert by_order["entries"] == []


def test_without_the_token_cache_a_revocation_counts_from_the_next_request(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    world = make_world(engine, database_url, tmp_path, api_token_cache_seconds=0)
    try:
        assert world.get("anna", "/me").status_code == 200
        with SqlAccessUnitOfWork(engine) as uow:
            record = uow.access.tokens.find_active_by_hash(token_hash(world.tokens["anna"]))
            assert record is not None
            assert uow.access.tokens.revoke(record.id, now=datetime.now(UTC))
            uow.commit()
        assert world.get("anna", "/me").status_code == 401
    finally:
        world.client.close()
        world.platform.close()


def test_on_sqlite_reading_the_inbox_never_waits_for_a_writer(sqlite_world: World) -> None:
    world = sqlite_world
    sent = world.send("anna", ANNA_ORDER, text="Could you confirm the engraving text?")
    assert sent.status_code == 201, sent.text
    # A writer holds SQLite's write lock (BEGIN IMMEDIATE) for the whole request: a read that
    # took the lock too would wait out the 30 s busy timeout and fail with "database is locked".
    with world.platform.engine.connect() as writer:
        writer.begin()
        listed = world.get("anna", "/inbox", params={"view": "all"})
        writer.rollback()
    assert listed.status_code == 200, listed.text
    assert [e["message_id"] for e in listed.json()["entries"]] == [sent.json()["message_id"]]
