"""What the policy tests read off a check: the blocking categories of a message."""

from __future__ import annotations

from gobetween.policy import check


def categories(text: str, lang: str, **context: object) -> list[str]:
    """The distinct categories of the blocking findings of `check(text)`, sorted, for a message in
    `lang` (a seller's reply unless `context` says otherwise)."""
    return sorted(check(text, {"language": lang, **context}).categories)
