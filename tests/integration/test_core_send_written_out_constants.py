"""The send path compares a message's disposition with a constant written into the statement.

SQLite checks whether a condition on a bound value implies the WHERE of a partial index of
messages (`disposition <> 'delivered'`); for `disposition != ?` the plan then depends on the bound
value, and SQLite prepared the whole statement again on every run (the send facts' statement, nine
subqueries, ~0.1 ms of a send). Written out, it is prepared once per connection.
"""

from __future__ import annotations

import re

from sqlalchemy.dialects import postgresql, sqlite

from gobetween.adapters.db import repositories as repos

_SEND_PATH_READS = {
    "send facts (SQLite)": repos._SENDING_FACTS,
    "send facts (PostgreSQL)": repos._SENDING_FACTS_POSTGRESQL,
    "seller's send": repos._SELLER_SEND,
    "buyer's message": repos._BUYER_MESSAGE,
}
_DISPOSITION_AGAINST_PARAMETER = re.compile(r"disposition\s*(!=|<>)\s*(\?|\$\d+|%\(\w+\)s)")


def test_no_send_path_read_compares_a_disposition_with_a_bound_value() -> None:
    for name, statement in _SEND_PATH_READS.items():
        for dialect in (sqlite.dialect(), postgresql.dialect()):
            sql = statement._compiled(dialect).sql
            assert "disposition != 'blocked'" in sql or "disposition <> 'blocked'" in sql, name
            assert not _DISPOSITION_AGAINST_PARAMETER.search(sql), (name, dialect.name)
