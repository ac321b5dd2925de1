"""Errors the domain and services raise; adapters translate them to HTTP, SMTP or CLI answers."""

from __future__ import annotations


class GobetweenError(Exception):
    """Base of every error the product raises on purpose."""


class NotFound(GobetweenError):
    """A thing asked for by id does not exist (or is not visible to the caller)."""

    def __init__(self, kind: str, ident: object) -> None:
        super().__init__(f"{kind} {ident!r} not found")
        self.kind = kind
        self.ident = ident


class InvalidInput(GobetweenError):
    """Input failed validation; `field` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class Refused(GobetweenError):
    """A request is well-formed but a rule forbids it; `code` is a policy.md category id."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
