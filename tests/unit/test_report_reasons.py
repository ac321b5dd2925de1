"""The reasons a party can report a message for and the reasons the checker gives a buyer
message's `report` (policy.md §5) come from one list, so they cannot drift apart."""

from __future__ import annotations

from typing import get_args

from gobetween.policy.categories import REPORT_REASONS as CHECKER_REPORT_REASONS
from gobetween.policy.verdict import ReportReason
from gobetween.services.reports import REPORT_REASONS


def test_the_checker_reports_with_the_reasons_of_policy_md() -> None:
    assert set(get_args(ReportReason)) == set(CHECKER_REPORT_REASONS)
    assert CHECKER_REPORT_REASONS == ("abuse", "off_platform_payment", "spam")


def test_a_party_can_file_every_reason_the_checker_gives_and_other() -> None:
    assert (*CHECKER_REPORT_REASONS, "other") == REPORT_REASONS
