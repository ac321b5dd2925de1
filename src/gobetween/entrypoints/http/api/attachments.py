"""Attachments: upload the bytes (type judged by content), download by hash (parties, auditors)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from gobetween.bootstrap.access import ApiServices
from gobetween.entrypoints.http.api.callers import Party, PartyOrAuditor, Services
from gobetween.entrypoints.http.api.errors import (
    ERROR_RESPONSES,
    Problem,
    TooLargeError,
    UploadRoute,
)
from gobetween.entrypoints.http.api.schemas import UploadOut
from gobetween.services.access import Principal
from gobetween.services.attachments import (
    MAX_TOTAL_BYTES,
    StoredAttachment,
    open_attachment,
    store_attachment,
)

router = APIRouter(tags=["attachments"], route_class=UploadRoute, responses=ERROR_RESPONSES)


@router.post(
    "/attachments",
    response_model=UploadOut,
    status_code=201,
    responses={413: {"model": Problem, "description": "Larger than 10 MB"}},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload(
    request: Request,
    caller: Party,
    services: Services,
    filename: Annotated[str, Query(min_length=1, max_length=255, examples=["invoice.pdf"])],
) -> UploadOut:
    """Upload one file as the raw request body; attach it to a message by its `sha256`.

    PDF, plain text, JPEG, PNG, DOC and DOCX, judged by the bytes, never by the name; at most 10 MB.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_TOTAL_BYTES:
        raise TooLargeError(f"the file is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_TOTAL_BYTES:
            raise TooLargeError(f"the file is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB")
        chunks.append(chunk)
    stored = await _store(b"".join(chunks), filename, caller, services)
    return UploadOut(
        sha256=stored.sha256,
        filename=stored.filename,
        kind=stored.kind,  # type: ignore[arg-type]
        content_type=stored.content_type,
        size=stored.size,
    )


async def _store(
    data: bytes, filename: str, caller: Principal, services: ApiServices
) -> StoredAttachment:
    # Judging, hashing and the database are blocking work: keep them off the event loop.
    return await run_in_threadpool(
        lambda: store_attachment(
            data,
            filename=filename,
            uploader=caller,
            uow=services.unit_of_work(),
            blobs=services.blobs,
            clock=services.platform.clock,
        )
    )


@router.get(
    "/attachments/{sha256}",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def download(
    caller: PartyOrAuditor,
    services: Services,
    sha256: Annotated[str, Path(pattern=r"^[0-9a-fA-F]{64}$")],
) -> Response:
    """The file, if you uploaded it, are party to a message carrying it, or are an auditor."""
    blob, data = open_attachment(
        sha256, viewer=caller, uow=services.unit_of_work(), blobs=services.blobs
    )
    return Response(
        content=data,
        media_type=blob.content_type,
        headers={
            # Never let a browser sniff or render it inline: it is evidence, not a page.
            "Content-Disposition": f'attachment; filename="{blob.sha256}.{blob.kind}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
