"""compose() tells the signature its mail's line ends instead of the signature counting them:
where it says every LF ends a CRLF that is so, and the signed mail is the one sign() makes of
the same bytes, counting."""

from __future__ import annotations

import binascii
import os
import random

import dkim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_compose_same_bytes import LETTERS, REPLACEMENTS
from test_outbound import _letter

from gobetween.adapters.mail import outbound
from gobetween.adapters.mail.dkim_keys import DkimKey
from gobetween.adapters.mail.outbound import compose, dkim_headers_and_body, sign
from gobetween.adapters.mail.parse import MailAttachment

NOW = 1_795_000_000


def _every_lf_ends_a_crlf(data: bytes) -> bool:
    return data.count(b"\n") == data.count(b"\r\n")


def _letters() -> dict[str, outbound.Letter]:
    pdf = MailAttachment("a.pdf", "application/pdf", b"%PDF-1.4\n" + os.urandom(196_000))
    arrived = binascii.b2a_base64(pdf.data, newline=False)
    lines = b"\r\n".join(arrived[i : i + 76] for i in range(0, len(arrived), 76))
    # A large text attachment in base64 (non-ASCII text): the generator's own body, lifted.
    text = MailAttachment(
        "notes.txt", "text/plain", ("\u00e9t\u00e9 \u2014 lines\n" * 9000).encode()
    )
    return {
        **LETTERS,
        "arrived-lines": _letter(
            attachments=(pdf,), attachment_lines={pdf.sha256: outbound.decode_wire_lines(lines)[1]}
        ),
        "large-text-attachment": _letter(attachments=(text,)),
        "text-with-cr": _letter(text="one\rtwo\r\nthree\n\rfour"),
    }


@pytest.mark.parametrize("name", sorted(_letters()))
def test_compose_signs_what_sign_signs(
    name: str, relay_key: DkimKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = _letters()[name]
    monkeypatch.setattr("gobetween.adapters.mail.outbound.time.time", lambda: NOW)
    random.seed(11)
    signed = compose(letter, replacements=REPLACEMENTS, key=relay_key)
    random.seed(11)
    unsigned = compose(letter, replacements=REPLACEMENTS, key=None)
    assert signed == sign(unsigned, relay_key)
    assert dkim.verify(
        signed, dnsfunc=lambda name, timeout=5: relay_key.public_record.encode("ascii")
    )


@pytest.mark.parametrize("name", sorted(_letters()))
def test_the_line_ends_compose_reports_are_the_mails(name: str) -> None:
    letter = _letters()[name]
    seen: list[tuple[bytes, bool]] = []
    measured = outbound._wire_bytes_and_line_ends

    def recorded(*args: object) -> tuple[bytes, bool]:
        result = measured(*args)  # type: ignore[arg-type]
        seen.append(result)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outbound, "_wire_bytes_and_line_ends", recorded)
        compose(letter, replacements=REPLACEMENTS, key=None)
    [(data, crlf_only)] = seen
    assert crlf_only == _every_lf_ends_a_crlf(data)


# Mails of header lines, empty lines and body lines, every LF ending a CRLF but bare CRs allowed.
pieces = st.sampled_from([b"A: b", b"\r\n", b"x", b" \t", b"\r", b"QUJD", b":", b"\r\n\r\n"])


def _split(split: object, data: bytes, **known: bool) -> object:
    """The split's result, or the error it raises (dkimpy refuses some header blocks)."""
    try:
        return tuple(split(data, **known))  # type: ignore[operator]
    except (dkim.MessageFormatError, IndexError) as error:
        return ("refused", type(error), str(error))


@settings(max_examples=1500, deadline=None)
@given(st.lists(pieces, max_size=40))
def test_known_line_ends_split_as_dkimpy_splits(chunks: list[bytes]) -> None:
    data = b"".join(chunks)
    assert _every_lf_ends_a_crlf(data)
    known = _split(dkim_headers_and_body, data, crlf_only=True)
    assert known == _split(dkim_headers_and_body, data)
    assert known == _split(dkim.rfc822_parse, data)
