"""The DATA reader's long-line check gives what splitting the mail into its lines gives."""

from hypothesis import given
from hypothesis import strategies as st

from gobetween.entrypoints.smtp import _has_line_longer_than


def _longest_line(lines: bytes) -> int:
    return max(map(len, lines.split(b"\r\n"))) if lines else 0


# Short alphabets make CRLFs, bare CRs and LFs, and lines around the length common.
_MAIL_BYTES = st.lists(st.sampled_from([b"\r\n", b"\r", b"\n", b"a", b"bb", b"ccccc", b"."])).map(
    b"".join
)


@given(lines=_MAIL_BYTES, length=st.integers(min_value=-3, max_value=12))
def test_agrees_with_the_longest_line(lines: bytes, length: int) -> None:
    assert _has_line_longer_than(lines, length) == (_longest_line(lines) > length)


def test_a_mail_of_76_byte_lines_then_one_long_line() -> None:
    mail = b"Subject: x\r\n\r\n" + (b"QUJD" * 19 + b"\r\n") * 3000 + b"QUJD" * 19 * 3000
    for length in (0, 75, 76, 998, 227_999, 228_000, 228_001):
        assert _has_line_longer_than(mail, length) == (_longest_line(mail) > length)
