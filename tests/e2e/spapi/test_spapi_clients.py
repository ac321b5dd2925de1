"""Seller tools we did not write, unmodified, against a live `gobetween serve` on loopback.

python-amazon-sp-api (the community client) once with a static access token and once through the
refresh-token flow of /auth/o2/token; Amazon's official SDK (amzn-sp-api) through the same flow.
Each does what a seller's tool does: the actions of an order, the buyer's locale, a
customization question with an uploaded proof, a review request, and a blocked text that the
client raises as an error.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from spapi_live import CUSTOM, DE, GOBETWEEN, PNG, REVIEWS, Live, live_server

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not GOBETWEEN.exists(), reason="the console script is not installed"),
]
BLOCKED_TEXT = (
    "Die Gravur ist leider verrutscht; wir fertigen den Ring neu. "
    "Bitte hinterlassen Sie uns dafür eine 5-Sterne-Bewertung!"
)
QUESTION = "Bitte bestätigen Sie die Gravur „Ana“ auf dem Ring, siehe Entwurf im Anhang."


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("spapi-live")) as running:
        yield running


def _md5(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()


def delivered_mail(live: Live, order_id: str) -> EmailMessage:
    """The mail the server's delivery worker wrote for `order_id`'s review request."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in (live.workdir / "delivered").rglob("*"):
            if path.is_file():
                mail = message_from_bytes(path.read_bytes(), policy=default)
                if isinstance(mail, EmailMessage) and order_id in str(mail["Subject"]):
                    return mail
        time.sleep(0.2)
    raise AssertionError(f"no mail about {order_id} delivered within 30 s")


# --- python-amazon-sp-api -----------------------------------------------------------------------


def _saleweaver(live: Live, *, static: bool) -> dict[str, Any]:
    """Messaging, Solicitations and Upload clients of python-amazon-sp-api, pointed at `live`."""
    from sp_api.api import Messaging, Solicitations, Upload
    from sp_api.auth import AccessTokenClient

    marketplace = SimpleNamespace(endpoint=live.base, marketplace_id=DE, region="eu-west-1")
    if static:
        # A seller API token used as is, in x-amz-access-token: no token call at all.
        options: dict[str, Any] = {
            "credentials": {"lwa_app_id": "unused", "lwa_client_secret": "unused"},
            "restricted_data_token": live.seller_token,
        }
    else:
        # The library's own token client, its host moved to loopback (no other change).
        local_lwa = type(
            "LocalLWA",
            (AccessTokenClient,),
            {"scheme": "http://", "host": f"127.0.0.1:{live.port}"},
        )
        options = {
            "credentials": {
                "lwa_app_id": live.client_id,
                "lwa_client_secret": live.client_secret,
                "refresh_token": live.refresh_token,
            },
            "auth_token_client_class": local_lwa,
        }
    return {
        "messaging": Messaging(marketplace=marketplace, **options),
        "solicitations": Solicitations(marketplace=marketplace, **options),
        "upload": Upload(marketplace=marketplace, **options),
    }


@pytest.mark.parametrize(("static", "review_order"), [(True, REVIEWS[0]), (False, REVIEWS[1])])
def test_python_amazon_sp_api_unmodified(
    live: Live, static: bool, review_order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SP_API_DEFAULT_MARKETPLACE", "AWS_ENV"):
        monkeypatch.delenv(name, raising=False)
    clients = _saleweaver(live, static=static)
    try:
        _seller_tool_session(live, review_order, **clients)
    finally:
        # The library leaves closing its HTTP connections (and its token client's) to the caller.
        for client in clients.values():
            client.close()
            client._auth._transport.close()


def _seller_tool_session(
    live: Live, review_order: str, *, messaging: Any, solicitations: Any, upload: Any
) -> None:
    from sp_api.base import SellingApiBadRequestException

    actions = messaging.get_messaging_actions_for_order(CUSTOM)
    names = [link["name"] for link in actions.payload["_links"]["actions"]]
    assert "confirmCustomizationDetails" in names
    assert "warranty" not in names
    assert actions.rate_limit == "1"

    attributes = messaging.get_attributes(CUSTOM)
    assert attributes.payload == {"buyer": {"locale": "de-DE"}}

    resource = f"messaging/v1/orders/{CUSTOM}/messages/confirmCustomizationDetails"
    destination = upload.upload_document(resource, BytesIO(PNG), content_type="image/png").payload
    put = httpx.put(destination["url"], content=PNG, headers=destination["headers"])
    assert put.status_code == 200, put.text
    sent = messaging.confirm_customization_details(
        CUSTOM,
        body={
            "text": QUESTION,
            "attachments": [
                {
                    "uploadDestinationId": destination["uploadDestinationId"],
                    "fileName": "entwurf.png",
                }
            ],
        },
    )
    assert sent.payload == {}

    review = solicitations.create_product_review_and_seller_feedback_solicitation(review_order)
    assert review.payload == {}
    mail = delivered_mail(live, review_order)
    assert mail["Subject"] == f"Teilen Sie Ihre Erfahrung mit Ihrer Bestellung {review_order}"
    assert mail["From"].addresses[0].username == "no-reply"
    offered = solicitations.get_solicitation_actions_for_order(review_order)
    assert offered.payload["_links"]["actions"] == []

    with pytest.raises(SellingApiBadRequestException) as raised:
        messaging.create_unexpected_problem(CUSTOM, body={"text": BLOCKED_TEXT})
    error = raised.value.error[0]
    assert error["code"] == "InvalidInput"
    assert "review_request" in error["message"]


# --- amzn-sp-api (Amazon's official SDK) ---------------------------------------------------------


def test_amazon_official_sdk_through_the_token_flow(live: Live) -> None:
    from spapi import SPAPIClient, SPAPIConfig
    from spapi.api.messaging_v1.messaging_api import MessagingApi
    from spapi.api.solicitations_v1.solicitations_api import SolicitationsApi
    from spapi.api.uploads_v2020_11_01.uploads_api import UploadsApi
    from spapi.rest import ApiException

    client = SPAPIClient(
        SPAPIConfig(live.client_id, live.client_secret, live.refresh_token, region="EU"),
        oauth_endpoint=f"{live.base}/auth/o2/token",
        endpoint=live.base,
    )
    messaging = MessagingApi(client.api_client)
    actions = messaging.get_messaging_actions_for_order(CUSTOM, [DE])
    assert "confirmCustomizationDetails" in [link.name for link in actions.links.actions]
    assert messaging.get_attributes(CUSTOM, [DE]).buyer.locale == "de-DE"

    resource = f"/messaging/v1/orders/{CUSTOM}/messages/confirmCustomizationDetails"
    created = UploadsApi(client.api_client).create_upload_destination_for_resource(
        [DE], _md5(PNG), resource, content_type="image/png"
    )
    put = httpx.put(created.payload.url, content=PNG, headers=created.payload.headers)
    assert put.status_code == 200, put.text
    messaging.confirm_customization_details(
        CUSTOM,
        [DE],
        {
            "text": QUESTION,
            "attachments": [
                {"uploadDestinationId": created.payload.upload_destination_id, "fileName": "e.png"}
            ],
        },
    )

    SolicitationsApi(client.api_client).create_product_review_and_seller_feedback_solicitation(
        REVIEWS[2], [DE]
    )
    with pytest.raises(ApiException) as raised:
        SolicitationsApi(client.api_client).create_product_review_and_seller_feedback_solicitation(
            REVIEWS[2], [DE]
        )
    assert raised.value.status == 403
    assert "already_requested" in str(raised.value.body)

    with pytest.raises(ApiException) as blocked:
        messaging.create_unexpected_problem(CUSTOM, [DE], {"text": BLOCKED_TEXT})
    assert blocked.value.status == 400
    assert "review_request" in str(blocked.value.body)
