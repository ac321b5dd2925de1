"""Pure parts of the SP-API surface: message types as contact reasons, locales, MD5, catalogs."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import quote

import pytest

from gobetween.domain.contact_reasons import REASONS_BY_ID
from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.domain.parties import LANGUAGES
from gobetween.services import spapi
from gobetween.services.spapi_uploads import decode_content_md5

MD5 = base64.b64encode(hashlib.md5(b"+/+/ file", usedforsecurity=False).digest()).decode()


def test_every_message_type_of_amazons_model_maps_to_a_contact_reason() -> None:
    assert [t.name for t in spapi.MESSAGE_TYPES] == [
        "confirmCustomizationDetails",
        "confirmDeliveryDetails",
        "legalDisclosure",
        "confirmOrderDetails",
        "confirmServiceDetails",
        "warranty",
        "digitalAccessKey",
        "unexpectedProblem",
        "invoice",
    ]
    assert all(t.reason in REASONS_BY_ID for t in spapi.MESSAGE_TYPES)
    # Amazon's text limits are the reasons' limits of policy.md §2.
    limits = {t.name: t.max_chars for t in spapi.MESSAGE_TYPES if t.text}
    assert limits["confirmCustomizationDetails"] == 800
    assert limits["digitalAccessKey"] == 400
    assert limits["unexpectedProblem"] == 2000


def test_removed_and_unknown_types() -> None:
    with pytest.raises(Refused, match="review_change_request"):
        spapi.get_message_type("negativeFeedbackRemoval")
    with pytest.raises(NotFound):
        spapi.get_message_type("thankYou")


@pytest.mark.parametrize(
    ("language", "marketplace", "locale"),
    [("de", "DE", "de-DE"), ("en", "UK", "en-GB"), ("en", "DE", "en-DE"), ("ja", "US", "ja-JP")],
)
def test_buyer_locale(language: str, marketplace: str, locale: str) -> None:
    assert spapi.buyer_locale(language, marketplace) == locale


@pytest.mark.parametrize(
    "sent",
    [MD5, quote(MD5, safe=""), quote(quote(MD5, safe=""), safe=""), MD5.replace("+", " ")],
)
def test_content_md5_is_read_however_the_client_encoded_it(sent: str) -> None:
    assert decode_content_md5(sent) == MD5


@pytest.mark.parametrize(
    ("sent", "problem"),
    [(None, "is required"), ("", "is required"), ("0" * 32, "hexadecimal"), ("abc", "16-byte")],
)
def test_bad_content_md5_says_what_is_wrong(sent: str | None, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        decode_content_md5(sent)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_catalog_translates_every_string_with_the_same_fields(language: str) -> None:
    catalog = spapi.catalog(language)
    for msgid in spapi.catalog_msgids():
        assert msgid in catalog, (language, msgid)
        fields = {"order_id", "buyer_name", "seller_name", "files", "start", "end"}
        used = {name for name in fields if "{" + name + "}" in msgid}
        assert {name for name in fields if "{" + name + "}" in catalog[msgid]} == used
