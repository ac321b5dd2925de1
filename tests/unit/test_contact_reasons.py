"""Contact reasons an order allows (policy.md §2): each offered, or removed by a named rule."""

from __future__ import annotations

import itertools

import pytest

from gobetween.domain.contact_reasons import (
    CUSTOMER_SERVICE_REDIRECT,
    REASONS,
    REQUIREMENTS,
    OrderFacts,
    contact_reasons_for,
)
from gobetween.domain.errors import InvalidInput
from gobetween.policy.categories import CONTACT_REASONS, CRITICAL_REASONS

STATUSES = ("pending", "unshipped", "shipped", "delivered", "cancelled", "returned")
CATEGORIES = ("jewelry", "furniture", "software", "electronics", "books")


def facts(
    fulfillment: str = "seller", status: str = "unshipped", category: str = "jewelry"
) -> OrderFacts:
    return OrderFacts.of(fulfillment=fulfillment, status=status, product_category=category)


def test_the_table_covers_exactly_the_reasons_and_critical_flags_of_the_policy() -> None:
    assert tuple(spec.id for spec in REASONS) == CONTACT_REASONS
    assert {spec.id for spec in REASONS if spec.critical} == CRITICAL_REASONS
    assert {spec.id: spec.max_chars for spec in REASONS if spec.max_chars != 2000} == {
        "customization": 800,
        "digital_access_key": 400,
    }


@pytest.mark.parametrize(
    ("fulfillment", "status", "category"),
    list(itertools.product(("seller", "marketplace"), STATUSES, CATEGORIES)),
)
def test_every_reason_is_either_offered_or_missing_with_a_known_rule(
    fulfillment: str, status: str, category: str
) -> None:
    reasons = contact_reasons_for(facts(fulfillment, status, category))
    offered = [reason.id for reason in reasons.offered]
    missing = [reason.id for reason in reasons.missing]
    assert sorted(offered + missing) == sorted(CONTACT_REASONS)
    rules = {requirement.rule for requirement in REQUIREMENTS}
    assert all(reason.rule in rules and reason.explanation for reason in reasons.missing)
    # `other` is always there, and never starts a conversation.
    other = reasons.find("other")
    assert other is not None
    assert not other.proactive


def test_marketplace_fulfilled_orders_offer_no_fulfilment_reasons_and_the_redirect_template() -> (
    None
):
    reasons = contact_reasons_for(facts("marketplace", "shipped", "furniture"))
    removed = {reason.id: reason.rule for reason in reasons.missing}
    assert removed["delivery_scheduling"] == "marketplace_fulfilled"
    assert removed["address_issue"] == "marketplace_fulfilled"
    assert removed["unexpected_problem"] == "marketplace_fulfilled"
    assert reasons.reply_templates == (CUSTOMER_SERVICE_REDIRECT,)
    assert contact_reasons_for(facts("seller", "shipped", "furniture")).reply_templates == ()


def test_a_seller_fulfilled_large_item_in_transit_allows_delivery_scheduling() -> None:
    reasons = contact_reasons_for(facts("seller", "shipped", "Large Appliances"))
    scheduling = reasons.find("delivery_scheduling")
    assert scheduling is not None
    assert scheduling.critical
    assert scheduling.proactive


def test_customization_needs_a_personalizable_item_that_has_not_shipped() -> None:
    assert contact_reasons_for(facts(status="unshipped", category="jewelry")).find("customization")
    shipped = contact_reasons_for(facts(status="shipped", category="jewelry"))
    assert {r.id: r.rule for r in shipped.missing}[
        "customization"
    ] == "customization_before_shipment"
    books = contact_reasons_for(facts(status="unshipped", category="books"))
    assert {r.id: r.rule for r in books.missing}["customization"] == "personalizable_category"


def test_unexpected_problem_only_before_delivery() -> None:
    assert contact_reasons_for(facts(status="shipped")).find("unexpected_problem") is not None
    delivered = contact_reasons_for(facts(status="delivered"))
    assert {r.id: r.rule for r in delivered.missing}[
        "unexpected_problem"
    ] == "delivery_not_yet_done"


def test_a_cancelled_order_keeps_only_invoice_legal_disclosure_and_other() -> None:
    reasons = contact_reasons_for(facts("seller", "cancelled", "furniture"))
    assert reasons.offered_ids == {"invoice", "legal_disclosure", "other"}
    assert {r.rule for r in reasons.missing if r.id != "digital_access_key"} == {"order_cancelled"}


def test_digital_access_keys_only_for_digital_products() -> None:
    assert contact_reasons_for(facts(status="delivered", category="software")).find(
        "digital_access_key"
    )
    physical = contact_reasons_for(facts(status="delivered", category="furniture"))
    assert {r.id: r.rule for r in physical.missing}["digital_access_key"] == "digital_category"


def test_no_invoice_while_payment_is_pending() -> None:
    pending = contact_reasons_for(facts(status="pending"))
    assert {r.id: r.rule for r in pending.missing}["invoice"] == "invoice_after_payment"


def test_after_the_window_reasons_stay_offered_as_replies_only() -> None:
    order = facts("seller", "delivered", "electronics")
    inside = contact_reasons_for(order, days_since_delivery=10)
    outside = contact_reasons_for(order, days_since_delivery=31)
    warranty_inside, warranty_outside = inside.find("warranty"), outside.find("warranty")
    assert warranty_inside is not None
    assert warranty_outside is not None
    assert warranty_inside.proactive
    assert warranty_inside.proactive_rule is None
    assert not warranty_outside.proactive
    assert warranty_outside.proactive_rule == "outside_window"
    assert inside.offered_ids == outside.offered_ids


@pytest.mark.parametrize(
    ("fulfillment", "status", "field"),
    [("FBX", "shipped", "fulfillment"), ("seller", "lost", "status")],
)
def test_unknown_values_name_the_field(fulfillment: str, status: str, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        OrderFacts.of(fulfillment=fulfillment, status=status, product_category="books")
    assert raised.value.field == field
