"""The labelled dev set (shared data, one case per line): every case's verdict, categories, triage
and report, with the case id as the test id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gobetween.policy import check

# The shared data sits next to the repository: <repo>/../shared/data/policy-dev.jsonl.
DEV_SET = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "policy-dev.jsonl"

# Cases whose label contradicts policy.md, each with the reason (none at present).
CONTRADICTS_POLICY: dict[str, str] = {}


def _cases() -> list[Any]:
    if not DEV_SET.is_file():
        # A missing data set must fail the run, never silently skip it.
        return [pytest.param(None, id="dev-set-missing")]
    params = []
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        marks = []
        if case["id"] in CONTRADICTS_POLICY:
            marks.append(pytest.mark.xfail(strict=True, reason=CONTRADICTS_POLICY[case["id"]]))
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _cases())
def test_dev_case(case: dict[str, Any] | None) -> None:
    assert case is not None, f"the dev set is missing: {DEV_SET}"
    expected = case["expected"]
    verdict = check(case["text"], case["context"], subject=case.get("subject"))
    if "verdict" in expected:
        assert verdict.verdict == expected["verdict"], case["why"]
        assert sorted(verdict.categories) == sorted(expected["categories"]), case["why"]
    if "triage" in expected:
        assert verdict.verdict == "allow"
        assert verdict.triage == expected["triage"], case["why"]
        assert verdict.report == expected.get("report"), case["why"]
