"""The Amazon SP-API compatible surface, at the root paths Amazon uses (docs/spapi.md).

Messaging v1, Solicitations v1, Uploads 2020-11-01 and Login-with-Amazon's token endpoint, so
seller tools written for Amazon's Selling Partner API work pointed at gobetween. Routes validate
and call services/spapi*.py; every message goes through the same send path as the native API.
The routes are not in /openapi.json: Amazon's own models describe them.
"""

from __future__ import annotations

from fastapi import APIRouter

from gobetween.entrypoints.http.spapi import auth, messaging, solicitations, uploads

router = APIRouter()
for module in (messaging, solicitations, uploads, auth):
    router.include_router(module.router)
