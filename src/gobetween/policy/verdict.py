"""The checker's answer (policy.md §3): a verdict, findings with spans into the text, advice."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

Severity = Literal["block", "warn"]
Field = Literal["text", "subject"]
VerdictValue = Literal["allow", "block"]
Triage = Literal["needs_response", "no_response_needed"]
ReportReason = Literal["abuse", "off_platform_payment", "spam"]


@dataclass(frozen=True, slots=True, init=False)
class Finding:
    """One rule hit. `span` slices the ORIGINAL text to the offending characters, or is None.

    `field` says which part of the message the finding is about: the text (the default) or the
    subject line, whose findings have no span (spans index the text).
    """

    category: str
    rule: str
    severity: Severity
    span: tuple[int, int] | None
    message: str
    field: Field = "text"

    def __init__(
        self,
        category: str,
        rule: str,
        severity: Severity,
        span: tuple[int, int] | None,
        message: str,
        field: Field = "text",
    ) -> None:
        # The dataclass's own `__init__`, but through the slots' descriptors: a frozen
        # dataclass sets each field with `object.__setattr__`, which looks the descriptor up on
        # every call (about 0.67 against 0.40 µs a finding; every rule that finds makes them).
        _SET_CATEGORY(self, category)
        _SET_RULE(self, rule)
        _SET_SEVERITY(self, severity)
        _SET_SPAN(self, span)
        _SET_MESSAGE(self, message)
        _SET_FIELD(self, field)

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON; `field` appears only for subject findings, so that the shape of
        every text finding is what it always was."""
        data: dict[str, Any] = {
            "category": self.category,
            "rule": self.rule,
            "severity": self.severity,
            "span": list(self.span) if self.span is not None else None,
            "message": self.message,
        }
        if self.field != "text":
            data["field"] = self.field
        return data


_SET_CATEGORY = vars(Finding)["category"].__set__
_SET_RULE = vars(Finding)["rule"].__set__
_SET_SEVERITY = vars(Finding)["severity"].__set__
_SET_SPAN = vars(Finding)["span"].__set__
_SET_MESSAGE = vars(Finding)["message"].__set__
_SET_FIELD = vars(Finding)["field"].__set__


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to do instead: a compliant rewrite and/or the action or contact reason to use."""

    explanation: str
    rewrite: str | None = None
    action: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"explanation": self.explanation, "rewrite": self.rewrite, "action": self.action}


class DeferredSuggestions(Sequence[Suggestion]):
    """A verdict's suggestions, built the first time they are read.

    The rewrite of a blocked message (sentence and layout splitting) costs as much as several
    rules, and many callers only want the verdict and the findings. It reads like the tuple it
    stands for: it iterates, indexes, compares equal to that tuple and pickles as one.
    """

    __slots__ = ("_items", "_make")

    def __init__(self, make: Callable[[], tuple[Suggestion, ...]]) -> None:
        self._make: Callable[[], tuple[Suggestion, ...]] | None = make
        self._items: tuple[Suggestion, ...] = ()

    def _resolved(self) -> tuple[Suggestion, ...]:
        make = self._make
        if make is not None:
            self._items = make()
            # Drop the maker and with it the analysed message it holds.
            self._make = None
        return self._items

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Suggestion, ...]: ...

    def __getitem__(self, index: int | slice) -> Suggestion | tuple[Suggestion, ...]:
        return self._resolved()[index]

    def __len__(self) -> int:
        return len(self._resolved())

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self._resolved())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredSuggestions):
            other = other._resolved()
        if not isinstance(other, tuple):
            return NotImplemented
        return self._resolved() == other

    def __hash__(self) -> int:
        return hash(self._resolved())

    def __repr__(self) -> str:
        return repr(self._resolved())

    def __reduce__(self) -> tuple[type[tuple[Suggestion, ...]], tuple[tuple[Suggestion, ...]]]:
        return (tuple, (self._resolved(),))


@dataclass(frozen=True, slots=True)
class Verdict:
    """Allow or block, with every finding; buyer messages also carry triage and a report reason."""

    verdict: VerdictValue
    findings: tuple[Finding, ...] = ()
    critical: bool = False
    # A tuple, or for a checked seller message its `DeferredSuggestions` (built when read).
    suggestions: Sequence[Suggestion] = ()
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
