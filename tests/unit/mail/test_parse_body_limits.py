"""parse_mail leaves the body unread until it is asked for, and reading it is bounded: a body over
parse.py's limits is refused (MalformedMail, over_limit) instead of being read, and the quoted
history's attribution pattern is linear in a line's length."""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gobetween.adapters.mail.parse import (
    _ATTRIBUTION,
    MAX_HTML_BODY_CHARS,
    MAX_PLAIN_BODY_CHARS,
    MalformedMail,
    html_to_text,
    parse_mail,
    split_reply,
)

TAGS = "<p>Your <b>parcel</b> <a href='https://shop.example/t'>ships</a> today.</p>\n"


def _mail(content: str, subtype: str = "plain") -> bytes:
    message = EmailMessage()
    message["From"] = "Bob <bob@buyer.example>"
    message["To"] = "s-1@relay.test"
    message["Subject"] = "Parcel"
    message["Message-ID"] = "<one@buyer.example>"
    message.set_content(content, subtype=subtype)
    return message.as_bytes()


def test_parsing_a_large_html_mail_does_not_read_its_body() -> None:
    html = TAGS * (3_000_000 // len(TAGS))
    raw = _mail(html, "html")
    started = time.thread_time()
    html_to_text(html[: len(html) // 10])
    conversion = (time.thread_time() - started) * 10

    started = time.thread_time()
    parsed = parse_mail(raw)
    parsing = time.thread_time() - started

    assert parsed.from_address == "bob@buyer.example"
    assert parsed.subject == "Parcel"
    assert parsing < conversion / 5, (parsing, conversion)
    with pytest.raises(MalformedMail) as refused:
        parsed.body_part.reply()
    assert refused.value.over_limit
    assert f"at most {MAX_HTML_BODY_CHARS} characters of HTML" in refused.value.problem
    assert "plain-text version" in refused.value.problem


def test_html_at_the_limit_is_read_and_one_character_more_is_refused() -> None:
    head = "<p>Where is my parcel?</p><!--"
    # set_content adds the line break the body ends with: the limit's last character.
    fill = "x" * (MAX_HTML_BODY_CHARS - len(head) - len("-->") - 1)
    at_limit = head + fill + "-->"
    assert len(at_limit) + 1 == MAX_HTML_BODY_CHARS
    parsed = parse_mail(_mail(at_limit, "html"))
    assert parsed.text == "Where is my parcel?"
    over = parse_mail(_mail(at_limit + " ", "html"))
    with pytest.raises(MalformedMail, match=f"is {MAX_HTML_BODY_CHARS + 1} characters"):
        _ = over.text


def test_plain_text_at_the_limit_is_read_and_one_character_more_is_refused() -> None:
    line = "x" * 99 + "\n"
    body = "Shipped today.\n" + line * ((MAX_PLAIN_BODY_CHARS - 15) // len(line))
    body += "y" * (MAX_PLAIN_BODY_CHARS - len(body))
    assert len(body) == MAX_PLAIN_BODY_CHARS
    # set_content ends the body with a line break: the limit's last character.
    parsed = parse_mail(_mail(body[:-1]))
    assert parsed.text.startswith("Shipped today.")
    with pytest.raises(MalformedMail) as refused:
        _ = parse_mail(_mail(body)).reply
    assert refused.value.over_limit
    assert f"at most {MAX_PLAIN_BODY_CHARS} characters of text" in refused.value.problem


def test_limits_can_be_given_to_the_parse() -> None:
    parsed = parse_mail(_mail("Shipped today.\n" * 10), max_plain_body_chars=100)
    with pytest.raises(MalformedMail, match="at most 100 characters"):
        _ = parsed.body
    assert parse_mail(_mail("Shipped today."), max_plain_body_chars=100).text == "Shipped today."


def test_a_mail_without_a_text_body_reads_as_empty() -> None:
    message = EmailMessage()
    message["From"] = "bob@buyer.example"
    message["To"] = "s-1@relay.test"
    message.set_content(b"%PDF-1.4", maintype="application", subtype="pdf", filename="a.pdf")
    parsed = parse_mail(message.as_bytes())
    assert parsed.body == ""
    assert parsed.text == ""
    assert [a.filename for a in parsed.attachments] == ["a.pdf"]


def test_parses_compare_by_what_reading_their_bodies_gives() -> None:
    assert parse_mail(_mail("Shipped.")) == parse_mail(_mail("Shipped."))
    assert parse_mail(_mail("Shipped.")) != parse_mail(_mail("Shipped!"))
    small = parse_mail(_mail("x" * 200), max_plain_body_chars=100)
    assert small == parse_mail(_mail("x" * 200), max_plain_body_chars=100)
    assert small != parse_mail(_mail("x" * 200))


# The attribution pattern as it was, with two free runs in its German alternative.
_BACKTRACKING_ATTRIBUTION = re.compile(
    _ATTRIBUTION.pattern.replace(r"Am\s(?>.+?\sschrieb\s).+:", r"Am\s.+\sschrieb\s.+:"),
    re.VERBOSE,
)


def test_the_backtracking_pattern_is_the_old_one() -> None:
    assert _BACKTRACKING_ATTRIBUTION.pattern != _ATTRIBUTION.pattern
    assert "Am\\s.+\\sschrieb\\s.+:" in _BACKTRACKING_ATTRIBUTION.pattern


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["Am", "On", " ", "\t", "\u3000", "schrieb", "wrote", ":", "：", "x", "Mo", "\r", "<"]
        ),
        max_size=14,
    )
)
def test_the_attribution_pattern_matches_as_the_backtracking_one(words: list[str]) -> None:
    line = "".join(words)
    for candidate in (line, " " + line, "Am " + line, line + " :"):
        assert bool(_ATTRIBUTION.match(candidate)) == bool(
            _BACKTRACKING_ATTRIBUTION.match(candidate)
        ), candidate


def test_german_attributions_still_split() -> None:
    body = "Danke.\n\nAm 24.11.2026 um 10:00 schrieb Bob <bob@buyer.example>:\n> Wo?"
    assert split_reply(body).new == "Danke."
    assert split_reply("Ok.\nAm Montag schrieb er: nein").new == "Ok.\nAm Montag schrieb er: nein"


def test_a_long_line_of_false_german_attributions_is_split_in_linear_time() -> None:
    short = "Am " + "x schrieb " * 2_000
    long = "Am " + "x schrieb " * 40_000
    started = time.thread_time()
    split_reply(short)
    small = time.thread_time() - started
    started = time.thread_time()
    assert split_reply(long).new == long.strip()
    large = time.thread_time() - started
    # 20 times the line: about 20 times the time, where backtracking took 400 times (11 s).
    assert large < max(small, 0.001) * 100, (small, large)
