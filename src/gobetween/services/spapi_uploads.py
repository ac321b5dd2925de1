"""The Uploads API flow: a destination created with the content's MD5, then the bytes PUT to it.

The destination id is 256 bits of randomness and its URL is the capability to upload, like an S3
presigned URL; it expires after 15 minutes. The bytes must match the MD5 given at creation and
pass the attachment rules (services/attachments.py: the type is judged by content); only then is
the destination finished and usable in a message's `attachments`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta
from typing import Final
from urllib.parse import unquote

from gobetween.domain.errors import InvalidInput, NotFound, Refused
from gobetween.services.access import Principal
from gobetween.services.attachments import BlobStore, store_attachment
from gobetween.services.ports import Clock
from gobetween.services.spapi_ports import SpapiUnitOfWork, UploadDestination

DESTINATION_LIFETIME: Final = timedelta(minutes=15)
MAX_RESOURCE_CHARS: Final = 500
_DESTINATION_ID: Final = re.compile(r"amzn1\.tortuga\.4\.[a-z]{2}\.[0-9a-f]{64}")
# A resource names what the file is for, e.g. messaging/v1/orders/{id}/messages/invoice.
_RESOURCE: Final = re.compile(r"[A-Za-z0-9._~\-]+(?:/[A-Za-z0-9._~\-{}]+)*")


def decode_content_md5(value: str | None) -> str:
    """The base64 MD5 digest a client sent, undoing extra percent-encoding; InvalidInput if bad.

    python-amazon-sp-api percent-encodes the value twice (`%253D`), and an unencoded `+` reaches
    us as a space after query decoding: both are undone before the digest is checked.
    """
    if not value:
        raise InvalidInput("contentMD5", "is required: the base64 MD5 digest of the file")
    candidate = value
    for _ in range(3):
        digest = _md5_digest(candidate.replace(" ", "+"))
        if digest is not None:
            return base64.b64encode(digest).decode()
        candidate = unquote(candidate)
    if re.fullmatch(r"[0-9a-fA-F]{32}", value):
        raise InvalidInput("contentMD5", "is hexadecimal; send the base64 of the 16-byte digest")
    raise InvalidInput("contentMD5", f"is not the base64 of a 16-byte MD5 digest: {value!r}")


def _md5_digest(value: str) -> bytes | None:
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return digest if len(digest) == 16 else None


def create_upload_destination(
    resource: str,
    *,
    content_md5: str | None,
    content_type: str | None,
    seller: Principal,
    uow: SpapiUnitOfWork,
    clock: Clock,
) -> UploadDestination:
    """A new destination for one file of `seller`; PUT the bytes to it within 15 minutes."""
    if seller.seller_id is None:
        raise InvalidInput("role", "only sellers upload files")
    resource = resource.strip("/")
    if not resource or len(resource) > MAX_RESOURCE_CHARS or not _RESOURCE.fullmatch(resource):
        raise InvalidInput(
            "resource", "must be a path such as messaging/v1/orders/{id}/messages/invoice"
        )
    md5 = decode_content_md5(content_md5)
    if content_type is not None and (len(content_type) > 127 or not content_type.strip()):
        raise InvalidInput("contentType", "must be a MIME type such as application/pdf")
    now = clock().astimezone(UTC)
    destination = UploadDestination(
        id=f"amzn1.tortuga.4.na.{secrets.token_hex(32)}",
        seller_id=seller.seller_id,
        resource=resource,
        content_md5=md5,
        content_type=content_type,
        created_at=now,
        expires_at=now + DESTINATION_LIFETIME,
    )
    with uow:
        uow.spapi.add_upload(destination)
        uow.commit()
    return destination


def put_upload(
    destination_id: str,
    data: bytes,
    *,
    uow_factory: Callable[[], SpapiUnitOfWork],
    blobs: BlobStore,
    clock: Clock,
) -> UploadDestination:
    """Store the bytes PUT to a destination: MD5 checked, type judged, destination finished."""
    if not _DESTINATION_ID.fullmatch(destination_id):
        raise NotFound("upload destination", destination_id)
    now = clock().astimezone(UTC)
    with uow_factory() as uow:
        destination = uow.spapi.find_upload(destination_id)
    if destination is None:
        raise NotFound("upload destination", destination_id)
    if destination.sha256 is not None:
        raise Refused(
            "upload_finished", f"upload destination {destination_id} already has its file"
        )
    if now > destination.expires_at:
        raise Refused(
            "upload_expired",
            f"upload destination {destination_id} expired at "
            f"{destination.expires_at.isoformat()}; create a new one",
        )
    actual = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
    if not hmac.compare_digest(actual, destination.content_md5):
        raise InvalidInput(
            "Content-MD5",
            f"the file's MD5 is {actual}, the destination was created for "
            f"{destination.content_md5}",
        )
    stored = store_attachment(
        data,
        filename=destination.resource.rsplit("/", 1)[-1] or "upload",
        uploader=Principal("seller", seller_id=destination.seller_id),
        uow=uow_factory(),
        blobs=blobs,
        clock=clock,
    )
    with uow_factory() as uow:
        uow.spapi.finish_upload(destination_id, sha256=stored.sha256, now=now)
        uow.commit()
    return replace(destination, sha256=stored.sha256, uploaded_at=now)
