"""HAL documents of the SP-API surface: action lists, their links and the JSON schema of each."""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

from gobetween.services.spapi import (
    SOLICITATION,
    MessageType,
    MessagingActions,
    SolicitationActions,
)

DRAFT_04: Final = "http://json-schema.org/draft-04/schema#"
_ATTACHMENT: Final = {
    "type": "object",
    "required": ["uploadDestinationId", "fileName"],
    "properties": {
        "uploadDestinationId": {
            "type": "string",
            "description": "What createUploadDestinationForResource returned; PUT the file first.",
        },
        "fileName": {"type": "string", "minLength": 1, "maxLength": 255},
    },
}


def message_schema(message_type: MessageType) -> dict[str, Any]:
    """The JSON schema (draft-04) of the body a message type takes, with gobetween's limits."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    if message_type.text:
        properties["text"] = {
            "type": "string",
            "minLength": 1,
            "maxLength": message_type.max_chars,
            "description": "Checked against the messaging policy; in the buyer's language "
            "(GetAttributes). No links except essential ones, no HTML, no contact details.",
        }
    if message_type.attachments != "none":
        properties["attachments"] = {
            "type": "array",
            "items": _ATTACHMENT,
            "minItems": 1 if message_type.attachments == "required" else 0,
            "maxItems": 5,
        }
        if message_type.attachments == "required":
            required.append("attachments")
    if message_type.coverage_dates:
        for name in ("coverageStartDate", "coverageEndDate"):
            properties[name] = {"type": "string", "format": "date-time"}
            required.append(name)
    schema: dict[str, Any] = {
        "$schema": DRAFT_04,
        "title": message_type.name,
        "description": f"{message_type.name}: contact reason {message_type.reason}.",
        "type": "object",
        "properties": properties,
    }
    if required:
        schema["required"] = required
    return schema


SOLICITATION_SCHEMA: Final[dict[str, Any]] = {
    "$schema": DRAFT_04,
    "title": SOLICITATION,
    "description": "No body: the marketplace's fixed review request in the buyer's language.",
    "type": "object",
    "properties": {},
}


def _query(marketplace_id: str) -> str:
    return f"?marketplaceIds={quote(marketplace_id, safe='')}"


def messaging_actions_document(actions: MessagingActions, marketplace_id: str) -> dict[str, Any]:
    """getMessagingActionsForOrder: the offered types as HAL, the others as an extension."""
    base = f"/messaging/v1/orders/{quote(actions.order_id, safe='')}"
    query = _query(marketplace_id)
    links: list[dict[str, str]] = []
    embedded: list[dict[str, Any]] = []
    for message_type in actions.offered:
        href = f"{base}/messages/{message_type.name}{query}"
        schema_href = f"{base}/messages/{message_type.name}/schema{query}"
        links.append({"href": href, "name": message_type.name})
        embedded.append(_action(message_type.name, href, schema_href, message_schema(message_type)))
    return {
        "_links": {"self": {"href": f"{base}{query}"}, "actions": links},
        "_embedded": {"actions": embedded},
        # Extension: why each other type is not offered (the rule that removed it).
        "unavailableActions": [
            {
                "name": item.name,
                "contactReason": item.reason,
                "rule": item.rule,
                "explanation": item.explanation,
            }
            for item in actions.unavailable
        ],
    }


def solicitation_actions_document(
    actions: SolicitationActions, marketplace_id: str
) -> dict[str, Any]:
    """getSolicitationActionsForOrder: the review request when available, else why not."""
    base = f"/solicitations/v1/orders/{quote(actions.order_id, safe='')}"
    query = _query(marketplace_id)
    links: list[dict[str, str]] = []
    embedded: list[dict[str, Any]] = []
    unavailable: list[dict[str, Any]] = []
    if actions.available:
        href = f"{base}/solicitations/{SOLICITATION}{query}"
        schema_href = f"{base}/solicitations/{SOLICITATION}/schema{query}"
        links.append({"href": href, "name": SOLICITATION})
        embedded.append(_action(SOLICITATION, href, schema_href, SOLICITATION_SCHEMA))
    else:
        unavailable.append(
            {
                "name": SOLICITATION,
                "rules": [{"rule": r.rule, "explanation": r.explanation} for r in actions.refusals],
            }
        )
    return {
        "_links": {"self": {"href": f"{base}{query}"}, "actions": links},
        "_embedded": {"actions": embedded},
        "unavailableActions": unavailable,
    }


def schema_document(href: str, schema: dict[str, Any]) -> dict[str, Any]:
    """GetSchemaResponse: the schema behind a `_links.schema` href."""
    return {"_links": {"self": {"href": href}}, "payload": schema}


def _action(name: str, href: str, schema_href: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "_links": {
            "self": {"href": href, "name": name},
            "schema": {"href": schema_href, "name": name},
        },
        "_embedded": {"schema": schema_document(schema_href, schema)},
        "payload": {"name": name},
    }
