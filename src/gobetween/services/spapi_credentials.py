"""SP-API app credentials and Login-with-Amazon style access tokens, mapped to one seller.

`gobetween spapi credentials create --seller ID` makes a client id, a client secret and a refresh
token (shown once, stored as SHA-256). POST /auth/o2/token trades them for an access token that
lives one hour, sent back in `x-amz-access-token`. A native seller API token (`gbt_...`) is
accepted there too, so a tool can be pointed at gobetween with a static token and no token call.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Final

from gobetween.domain.errors import GobetweenError, InvalidInput, NotFound
from gobetween.domain.parties import check_party_id
from gobetween.services.access import (
    MAX_LABEL_CHARS,
    TOKEN_PREFIX,
    Principal,
    UnauthenticatedError,
    authenticate,
    token_hash,
)
from gobetween.services.ports import Clock
from gobetween.services.spapi_ports import SpapiUnitOfWork

CLIENT_ID_PREFIX: Final = "amzn1.application-oa2-client."
CLIENT_SECRET_PREFIX: Final = "gbs_"  # noqa: S105 - names the kind of secret, is not one
REFRESH_TOKEN_PREFIX: Final = "Atzr|"  # noqa: S105 - Login with Amazon's refresh-token marker
ACCESS_TOKEN_PREFIX: Final = "Atza|"  # noqa: S105 - Login with Amazon's access-token marker
ACCESS_TOKEN_LIFETIME: Final = timedelta(hours=1)
_MAX_SECRET_CHARS: Final = 200


class TokenGrantError(GobetweenError):
    """A token request failed; `error` is the OAuth 2.0 error code (RFC 6749 §5.2)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True, slots=True)
class SpapiAppCredentials:
    """A new app's credentials, shown once: what an SP-API tool is configured with."""

    client_id: str
    client_secret: str
    refresh_token: str
    seller_id: str


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """An access token and its lifetime in seconds."""

    access_token: str
    expires_in: int
    refresh_token: str


def create_credentials(
    seller_id: str, *, uow: SpapiUnitOfWork, clock: Clock, label: str = ""
) -> SpapiAppCredentials:
    """Create SP-API app credentials for an existing seller; NotFound for an unknown one."""
    check_party_id(seller_id, field_name="seller_id")
    if len(label) > MAX_LABEL_CHARS or any(ch in label for ch in "\r\n\x00"):
        raise InvalidInput("label", f"must be one line of at most {MAX_LABEL_CHARS} characters")
    client_id = CLIENT_ID_PREFIX + secrets.token_hex(16)
    client_secret = CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32)
    refresh_token = REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(48)
    with uow:
        if uow.sellers.find(seller_id) is None:
            raise NotFound("seller", seller_id)
        uow.spapi.add_credential(
            client_id=client_id,
            client_secret_hash=token_hash(client_secret),
            refresh_token_hash=token_hash(refresh_token),
            seller_id=seller_id,
            label=label,
            now=clock().astimezone(UTC),
        )
        uow.commit()
    return SpapiAppCredentials(client_id, client_secret, refresh_token, seller_id)


def grant_access_token(
    *,
    grant_type: str | None,
    client_id: str | None,
    client_secret: str | None,
    refresh_token: str | None,
    uow: SpapiUnitOfWork,
    clock: Clock,
) -> AccessGrant:
    """The refresh_token grant: a new access token for the seller; TokenGrantError if refused."""
    if grant_type != "refresh_token":
        raise TokenGrantError(
            "unsupported_grant_type",
            f"grant_type must be refresh_token; got {grant_type!r}",
        )
    for name, value in (
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("refresh_token", refresh_token),
    ):
        if not value:
            raise TokenGrantError("invalid_request", f"{name} is required")
        if len(value) > _MAX_SECRET_CHARS:
            raise TokenGrantError("invalid_request", f"{name} is too long")
    assert client_id is not None
    assert client_secret is not None
    assert refresh_token is not None
    now = clock().astimezone(UTC)
    access_token = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(48)
    with uow:
        credential = uow.spapi.find_credential_by_refresh_token(token_hash(refresh_token))
        if credential is None:
            raise TokenGrantError("invalid_grant", "the refresh token is unknown or revoked")
        # Compare both so a wrong id and a wrong secret take the same time and say the same.
        id_ok = hmac.compare_digest(credential.client_id, client_id)
        secret_ok = hmac.compare_digest(credential.client_secret_hash, token_hash(client_secret))
        if not (id_ok and secret_ok):
            raise TokenGrantError(
                "invalid_client", "client_id and client_secret do not match the refresh token"
            )
        uow.spapi.add_access_token(
            token_hash=token_hash(access_token),
            credential_id=credential.id,
            seller_id=credential.seller_id,
            now=now,
            expires_at=now + ACCESS_TOKEN_LIFETIME,
        )
        uow.commit()
    return AccessGrant(access_token, int(ACCESS_TOKEN_LIFETIME.total_seconds()), refresh_token)


def authenticate_seller(token: str | None, *, uow: SpapiUnitOfWork, clock: Clock) -> Principal:
    """The seller an `x-amz-access-token` stands for; UnauthenticatedError if none.

    Takes an access token from /auth/o2/token or a native seller API token.
    """
    if not token:
        raise UnauthenticatedError(
            "x-amz-access-token is required: an access token from /auth/o2/token or a seller "
            "API token"
        )
    if token.startswith(TOKEN_PREFIX):
        principal = authenticate(token, uow=uow)
        if principal.role != "seller":
            raise UnauthenticatedError(
                f"the SP-API surface is for sellers; this is a {principal.role} token"
            )
        return principal
    if not token.startswith(ACCESS_TOKEN_PREFIX) or len(token) > _MAX_SECRET_CHARS:
        raise UnauthenticatedError("the access token is malformed")
    with uow:
        seller_id = uow.spapi.find_access_token_seller(
            token_hash(token), now=clock().astimezone(UTC)
        )
    if seller_id is None:
        raise UnauthenticatedError(
            "the access token is unknown or expired; ask /auth/o2/token for a new one"
        )
    return Principal("seller", seller_id=seller_id)
