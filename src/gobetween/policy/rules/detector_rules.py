"""The detector-based rules, imported together so the engine needs one import line.

contact_info, external_link, prohibited_media, attachment_not_permitted, length and
language_mismatch register themselves with `@rule` when their modules are imported here.
"""

from __future__ import annotations

from gobetween.policy.rules import (
    attachment_not_permitted,
    contact_info,
    external_link,
    language_mismatch,
    length,
    prohibited_media,
)

__all__ = [
    "attachment_not_permitted",
    "contact_info",
    "external_link",
    "language_mismatch",
    "length",
    "prohibited_media",
]
