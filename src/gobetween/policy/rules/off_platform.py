"""`off_platform` (policy.md §4, §7): an invitation to move the conversation or payment elsewhere.

A bare address or number is `contact_info` alone (§7); it becomes `off_platform` with an
invitation to use it ("email me", "call us", "send the photo to …", "WhatsApp me").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from gobetween.policy.phrases import read_in_every_language
from gobetween.policy.rules import AnalyzedMessage, match_findings, rule
from gobetween.policy.sentences import iter_sentence_spans
from gobetween.policy.verdict import Finding

# An invitation next to an address counts in any language, and so does a sentence about sending
# the parcel back, whose "send" is no invitation to write (`parcel_shipping`).
read_in_every_language("contact_invite")
read_in_every_language("parcel_shipping")

_EXPLANATION = (
    "Keep the conversation and any payment in the marketplace's messaging: inviting the buyer to "
    "email, call, chat elsewhere or pay outside the marketplace is not allowed."
)
# policy.md §2: warranty messages may give the phone number needed for a claim.
_PHONE_EXEMPT_REASONS = frozenset({"warranty"})
_DIGIT = re.compile(r"\d")
_PHONE_MIN_DIGITS = 6


def _is_phone(finding: Finding, text: str) -> bool:
    if "phone" in finding.rule:
        return True
    if "mail" in finding.rule:
        return False
    if finding.span is None:
        return False
    piece = text[finding.span[0] : finding.span[1]]
    return "@" not in piece and len(_DIGIT.findall(piece)) >= _PHONE_MIN_DIGITS


@rule("off_platform", groups=("off_platform", "off_platform_call"), after=("contact_info",))
def off_platform(message: AnalyzedMessage) -> Iterable[Finding]:
    """Channel invitations from the lexicon, and invitations next to an address or number found."""
    exempt_phone = message.context.contact_reason in _PHONE_EXEMPT_REASONS
    scan = message.phrases
    to_original = message.normalized.to_original
    # The pattern's name is the rule: social_channel, payment_channel, call_invitation, ...
    matches = list(scan.matches("off_platform"))
    if not exempt_phone:
        matches.extend(scan.matches("off_platform_call"))
    found = match_findings(message, matches, "off_platform", _EXPLANATION)
    # Asking for the buyer's number or address ("send us a phone number the courier can use") is
    # `contact_info` alone: only the seller's own address or number can be an invitation.
    contacts = (
        [
            f
            for f in message.prior
            if f.category == "contact_info"
            and f.span is not None
            and not f.rule.endswith("_request")
        ]
        # No prior finding (most messages): no comprehension to run over nothing.
        if message.prior
        else None
    )
    if contacts:
        invites = [to_original(hit.start, hit.end) for hit in scan.of_class("contact_invite")]
        if invites:
            # Only the sentences starting at or before the last address or invitation are
            # looked for: the ones after it change no index asked about below.
            last = max(
                max(contact.span[0] for contact in contacts if contact.span is not None),
                max(invite[0] for invite in invites),
            )
            starts: list[int] = []
            for start, _ in iter_sentence_spans(message.text):
                if start > last:
                    break
                starts.append(start)

            def sentence_index(position: int) -> int:
                # The last sentence starting at or before `position` (the first if none does).
                return max(bisect_right(starts, position) - 1, 0)

            # Sentences about sending the parcel ("Ihre Rücksendung können Sie an unser Lager
            # schicken"): their "send" invites to post a parcel, not to write to the number
            # or address of the next sentence.
            shipping = {
                sentence_index(to_original(hit.start, hit.end)[0])
                for hit in scan.of_class("parcel_shipping")
            }
            for contact in contacts:
                if contact.span is None or (exempt_phone and _is_phone(contact, message.text)):
                    continue
                where = sentence_index(contact.span[0])
                for invite in invites:
                    # The invitation is in the address's sentence or right next to it
                    # ("It's 503-555-0148. Call any time."), unless that one ships a parcel.
                    sentence = sentence_index(invite[0])
                    if sentence == where or (
                        abs(sentence - where) == 1 and sentence not in shipping
                    ):
                        found.append(
                            Finding(
                                "off_platform",
                                "invitation_to_contact",
                                "block",
                                invite,
                                _EXPLANATION,
                            )
                        )
                        break
    return found
