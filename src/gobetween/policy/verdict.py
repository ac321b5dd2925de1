"""The checker's answer (policy.md §3): a verdict, findings with spans into the original text, advice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["block", "warn"]
VerdictValue = Literal["allow", "block"]
Triage = Literal["needs_response", "no_response_needed"]
ReportReason = Literal["abuse", "off_platform_payment", "spam"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule hit. `span` slices the ORIGINAL text to the offending characters, or is None."""

    category: str
    rule: str
    severity: Severity
    span: tuple[int, int] | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "rule": self.rule,
            "severity": self.severity,
            "span": list(self.span) if self.span is not None else None,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to do instead: a compliant rewrite and/or the action or contact reason to use."""

    explanation: str
    rewrite: str | None = None
    action: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"explanation": self.explanation, "rewrite": self.rewrite, "action": self.action}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Allow or block, with every finding; buyer messages also carry triage and a report suggestion."""

    verdict: VerdictValue
    findings: tuple[Finding, ...] = ()
    critical: bool = False
    suggestions: tuple[Suggestion, ...] = ()
    triage: Triage | None = None
    report: ReportReason | None = None
    language: str | None = None
    policy_version: str = field(default="amazon")

    @property
    def blocked(self) -> bool:
        return self.verdict == "block"

    @property
    def categories(self) -> list[str]:
        """Distinct categories of the blocking findings, in the order first found."""
        seen: dict[str, None] = {}
        for finding in self.findings:
            if finding.severity == "block":
                seen.setdefault(finding.category, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "verdict": self.verdict,
            "categories": self.categories,
            "findings": [f.to_dict() for f in self.findings],
            "critical": self.critical,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }
        if self.triage is not None:
            data["triage"] = self.triage
            data["report"] = self.report
        return data
