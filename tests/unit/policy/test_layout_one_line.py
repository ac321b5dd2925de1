"""A text of one line takes `layout`'s short way: the same layout as the line walk gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gobetween.policy import sentences
from gobetween.policy.sentences import Layout

_PIECES = st.sampled_from(
    [" ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0", "\u2028", "\u3000", "a", ".", "Hi,"]
) | st.text(max_size=4)


def _walked(text: str) -> Layout:
    lines = [span for span in sentences._lines(text) if text[span[0] : span[1]].strip()]
    if not lines:
        return Layout(0, 0)
    assert len(lines) == 1
    return Layout(lines[0][0], lines[0][1])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join).filter(lambda text: "\n" not in text))
@example("")
@example("   ")
@example("Thank you so much for your order!")
def test_a_one_line_text_has_the_layout_of_the_line_walk(text: str) -> None:
    assert sentences.layout(text) == _walked(text)
