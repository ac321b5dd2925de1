"""`prohibited_media` (policy.md §4): emoji, GIFs, tracking pixels, images or logos, HTML markup.

Text-style symbols without the emoji selector (© ® ™ ♥ ✔) are typography and allowed; see
`detectors/emoji.py`.
"""

from __future__ import annotations

from collections.abc import Iterable

from gobetween.policy.detectors.emoji import find_emoji
from gobetween.policy.detectors.markup import find_markup
from gobetween.policy.rules import AnalyzedMessage, rule
from gobetween.policy.verdict import Finding

_EXPLANATIONS = {
    "emoji": "Emojis are not allowed in buyer messages.",
    "tracking_pixel": "Tracking pixels are not allowed: the marketplace does not let sellers track "
    "whether a buyer opened a message.",
    "image": "Images and logos may not be embedded in the message body; attach a JPEG or PNG.",
    "gif": "GIFs are not allowed.",
    "styling": "HTML styling is not allowed: send plain text.",
    "html_tag": "HTML markup is not allowed: send plain text.",
}


@rule("prohibited_media")
def prohibited_media(message: AnalyzedMessage) -> Iterable[Finding]:
    """One finding per emoji, markup tag, image, tracking pixel or GIF reference."""
    text = message.text
    emoji = find_emoji(text, message.typographic_original)
    markup = find_markup(text)
    if not emoji and not markup:
        # Most messages: no comprehension or generator to run over nothing.
        return []
    found = [
        Finding("prohibited_media", "emoji", "block", (hit.start, hit.end), _EXPLANATIONS["emoji"])
        for hit in emoji
    ]
    found.extend(
        Finding(
            "prohibited_media", hit.kind, "block", (hit.start, hit.end), _EXPLANATIONS[hit.kind]
        )
        for hit in markup
    )
    return found
