"""The native REST API, mounted under /api/v1: one module per resource, one router here.

Every route authenticates with a bearer token (`gobetween tokens create`), lets a caller see and
change only its own data (a foreign id answers 404), and answers errors as RFC 9457 problem details
(errors.py). Routes validate and call services; the services do the work.
"""

from __future__ import annotations

from fastapi import APIRouter

from gobetween.entrypoints.http.api import (
    attachments,
    cases,
    inbox,
    me,
    messages,
    metrics,
    operator,
    orders,
    threads,
)

PREFIX = "/api/v1"

router = APIRouter()
for module in (me, inbox, threads, orders, messages, attachments, operator, cases, metrics):
    router.include_router(module.router)
