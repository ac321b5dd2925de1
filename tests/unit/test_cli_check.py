"""`gobetween check`: the JSON Lines stream and the human report."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gobetween.entrypoints.cli import app

runner = CliRunner()


def test_jsonl_writes_one_answer_per_line_in_order_and_survives_bad_lines() -> None:
    lines = [
        json.dumps(
            {"text": "Please leave us a review on Amazon.", "context": {"initiation": "reply"}}
        ),
        "this is not json",
        json.dumps({"text": "Hi", "context": {"contact_reason": "gossip"}}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"subject": "no text"}),
        json.dumps({"text": "Got it, thanks!", "context": {"direction": "buyer_to_seller"}}),
        json.dumps(
            {"text": "Could you confirm the engraving?", "subject": "Engraving", "context": {}}
        ),
    ]
    result = runner.invoke(app, ["check", "--jsonl", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 1
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 7
    assert answers[0]["verdict"] == "block"
    assert answers[0]["categories"] == ["review_request"]
    assert set(answers[0]) == {"verdict", "categories", "findings", "critical", "suggestions"}
    assert "error" in answers[1]
    assert "context.contact_reason" in answers[2]["error"]
    assert "error" in answers[3]
    assert answers[4] == {"error": "text: must be a string"}
    assert answers[5]["triage"] == "no_response_needed"
    assert answers[5]["report"] is None
    assert answers[6]["verdict"] == "allow"


def test_jsonl_reads_a_file_and_exits_zero_when_every_line_is_valid(tmp_path: Path) -> None:
    source = tmp_path / "drafts.jsonl"
    source.write_text(
        json.dumps({"text": "The mug is dishwasher safe.", "context": {"initiation": "reply"}})
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--jsonl", str(source)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["verdict"] == "allow"


def test_jsonl_accepts_facts() -> None:
    line = json.dumps({"text": "Hello", "context": {}, "facts": {"case_state": "closed"}})
    result = runner.invoke(app, ["check", "--jsonl"], input=line + "\n")
    assert json.loads(result.stdout)["categories"] == ["case_closed"]


def test_human_report_explains_findings_and_suggests_a_rewrite() -> None:
    text = "The strap fits the 42 mm case. Follow us on Instagram for new designs!"
    result = runner.invoke(app, ["check", text])
    assert result.exit_code == 1
    assert "BLOCKED" in result.stdout
    assert "marketing" in result.stdout
    assert "off_platform" in result.stdout
    assert "rewrite" in result.stdout


def test_human_report_reads_stdin_and_takes_the_context_options() -> None:
    result = runner.invoke(
        app,
        ["check", "-", "--proactive", "--reason", "customization", "--opted-out", "--lang", "en"],
        input="Thank you for your order. Could you confirm the engraving text?",
    )
    assert result.exit_code == 0
    assert "ALLOWED" in result.stdout


def test_human_report_rejects_an_unknown_reason() -> None:
    result = runner.invoke(app, ["check", "Hi", "--reason", "gossip"])
    assert result.exit_code == 2
    assert "contact_reason" in result.stdout
