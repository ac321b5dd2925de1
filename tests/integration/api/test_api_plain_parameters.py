"""The direct answers' path and query parameters (errors.py `PlainParameter`) are read and
validated as FastAPI's `request_params_to_args` reads and validates them: the same values and
the same errors, for every route of the API whose parameters are plain."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import FastAPI, Query
from fastapi.dependencies.utils import request_params_to_args
from fastapi.routing import APIRoute
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import QueryParams

from gobetween.entrypoints.http import api
from gobetween.entrypoints.http.api.errors import ApiRoute, parameters_to_args, plain_parameters
from gobetween.entrypoints.http.api.inbox import InboxRoute
from gobetween.entrypoints.http.api.orders import SendRoute


def route_of(kind: type[ApiRoute]) -> ApiRoute:
    return next(route for router in api.ROUTERS for route in router.routes if type(route) is kind)


def same_as_fastapi(route: ApiRoute, path: dict[str, Any], query: QueryParams) -> None:
    for fields, received in (
        (route.dependant.path_params, path),
        (route.dependant.query_params, query),
    ):
        plain = plain_parameters(fields)
        assert plain is not None
        assert parameters_to_args(fields, plain, received) == request_params_to_args(
            fields, received
        )


ORDER_IDS = [
    "114-3941689-8772232",
    "111-0000001-000000x",
    "114-3941689-87722321",
    "",
    "١١٤-3941689-8772232",
    "114-3941689-8772232\n",
]


@pytest.mark.parametrize("order_id", ORDER_IDS)
def test_the_sends_order_id_is_validated_as_fastapi_validates_it(order_id: str) -> None:
    same_as_fastapi(route_of(SendRoute), {"order_id": order_id}, QueryParams(""))


QUERIES = [
    "",
    "view=requires_response&limit=50",
    "view=all&limit=1",
    "view=sent&limit=0",
    "view=nope",
    "limit=500",
    "limit=abc",
    "limit=7&limit=8",
    "view=all&view=sent",
    "order_id=114-3941689-8772232&alias=a%40b.example&cursor=xyz",
    "order_id=" + "1" * 20,
    "seller_id=s1&buyer_id=b2&cursor=" + "c" * 201,
    "view=&limit=",
    "unknown=1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_inbox_query_is_validated_as_fastapi_validates_it(query: str) -> None:
    same_as_fastapi(route_of(InboxRoute), {}, QueryParams(query))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(
                ["view", "limit", "order_id", "alias", "seller_id", "buyer_id", "cursor", "x"]
            ),
            st.one_of(
                st.sampled_from(["all", "sent", "requires_response", "50", "0", "201", ""]),
                st.text(max_size=30),
            ),
        ),
        max_size=6,
    ),
    st.text(max_size=25),
)
def test_any_parameters_are_validated_as_fastapi_validates_them(
    pairs: list[tuple[str, str]], order_id: str
) -> None:
    same_as_fastapi(route_of(InboxRoute), {}, QueryParams(pairs))
    same_as_fastapi(route_of(SendRoute), {"order_id": order_id}, QueryParams(""))


@pytest.mark.parametrize("query", ["", "tag=a", "tag=a&tag=b"])
def test_a_list_parameter_is_read_as_fastapi_reads_it(query: str) -> None:
    app = FastAPI()

    @app.get("/many")
    def many(tag: Annotated[list[str] | None, Query()] = None) -> None:
        return None

    route = next(route for route in app.routes if isinstance(route, APIRoute))
    fields = route.dependant.query_params
    received = QueryParams(query)
    assert parameters_to_args(fields, plain_parameters(fields), received) == (
        request_params_to_args(fields, received)
    )
