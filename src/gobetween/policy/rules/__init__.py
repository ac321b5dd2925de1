"""The rule registry: one module per policy.md category, each registering small named rules.

A rule is a function from the analysed message to the findings it makes. Rules register with
`@rule("category_id")`; the engine runs every rule whose category applies to the message's
direction and initiation and records which fired.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from gobetween.policy.context import MessageContext, SystemFacts
from gobetween.policy.normalize import NormalizedText
from gobetween.policy.verdict import Finding


@dataclass(frozen=True, slots=True)
class AnalyzedMessage:
    """What every rule sees: the original text, its normalised form, the language and the context."""

    text: str
    subject: str | None
    normalized: NormalizedText
    language: str
    context: MessageContext
    facts: SystemFacts


RuleFunction = Callable[[AnalyzedMessage], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class RegisteredRule:
    category: str
    name: str
    function: RuleFunction


REGISTRY: list[RegisteredRule] = []


def rule(category: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule for `category` (a policy.md id); its name is the function's name."""

    def register(function: RuleFunction) -> RuleFunction:
        REGISTRY.append(RegisteredRule(category=category, name=function.__name__, function=function))
        return function

    return register
