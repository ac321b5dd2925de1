"""Amazon's Uploads API 2020-11-01 and the URL the bytes are PUT to (served here, not S3)."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gobetween.entrypoints.http.spapi.callers import Services, limited, marketplace_id
from gobetween.entrypoints.http.spapi.errors import BodyTooLargeError, JsonSpapiRoute
from gobetween.entrypoints.http.spapi.limits import UPLOADS_PLAN
from gobetween.services.access import Principal
from gobetween.services.attachments import MAX_TOTAL_BYTES
from gobetween.services.spapi_uploads import create_upload_destination, put_upload

router = APIRouter(route_class=JsonSpapiRoute, include_in_schema=False)
PUT_PATH = "/uploads/2020-11-01/destinations/{destinationId}"


@router.post("/uploads/2020-11-01/uploadDestinations/{resource:path}", status_code=201)
def create_upload_destination_for_resource(
    request: Request,
    services: Services,
    resource: str,
    caller: Annotated[
        Principal, Depends(limited("createUploadDestinationForResource", UPLOADS_PLAN))
    ],
    content_md5: Annotated[str | None, Query(alias="contentMD5")] = None,
    content_type: Annotated[str | None, Query(alias="contentType")] = None,
) -> JSONResponse:
    """A destination for one file: PUT its bytes to `url` with `headers`, then attach its id."""
    marketplace_id(request)
    destination = create_upload_destination(
        resource,
        content_md5=content_md5,
        content_type=content_type,
        seller=caller,
        uow=services.unit_of_work(),
        clock=services.api.platform.clock,
    )
    headers = {"Content-MD5": destination.content_md5}
    if destination.content_type:
        headers["Content-Type"] = destination.content_type
    public = services.api.platform.settings.spapi_public_url.rstrip("/")
    url = (public or _origin(request)) + PUT_PATH.format(destinationId=destination.id)
    return JSONResponse(
        {
            "payload": {
                "uploadDestinationId": destination.id,
                "url": url,
                "headers": headers,
            }
        },
        status_code=201,
    )


@router.put(PUT_PATH)
async def put_upload_bytes(
    request: Request,
    services: Services,
    destination_id: Annotated[str, Path(alias="destinationId")],
) -> Response:
    """The bytes of a destination (like an S3 presigned URL: the unguessable URL is the right)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_TOTAL_BYTES:
            raise BodyTooLargeError(f"The file is larger than {MAX_TOTAL_BYTES // 2**20} MB.")
        chunks.append(chunk)
    data = b"".join(chunks)
    await run_in_threadpool(
        lambda: put_upload(
            destination_id,
            data,
            uow_factory=services.unit_of_work,
            blobs=services.blobs,
            clock=services.api.platform.clock,
        )
    )
    etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return Response(status_code=200, headers={"ETag": f'"{etag}"'})


def _origin(request: Request) -> str:
    """Where this server listens. Not the Host header: python-amazon-sp-api sends it without its
    first letter over http (it cuts "https://" off the endpoint)."""
    server = request.scope.get("server")
    if server and server[0]:
        host, port = server
        return f"{request.url.scheme}://{host}:{port}" if port else f"{request.url.scheme}://{host}"
    return str(request.base_url).rstrip("/")
