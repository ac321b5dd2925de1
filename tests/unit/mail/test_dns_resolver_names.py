"""The production resolver answers "no records" for a name that cannot be a DNS name, without
asking a server and without an exception escaping into the SMTP session."""

from __future__ import annotations

import pytest

from gobetween.adapters.mail.sender_auth import DnsPythonResolver, RecordType

# A port nothing listens on: a name that reached the network would time out (a temporary error).
NOWHERE = DnsPythonResolver(nameservers=["127.0.0.1"], port=9, lifetime=0.5)


@pytest.mark.parametrize(
    "name",
    [
        "a" * 64 + ".example",  # a label over 63 octets
        "shop..example",  # an empty label
        "abc." * 70 + "example",  # over 255 octets
        "ex\u00e4mple\u200d.com",  # not IDNA
    ],
)
@pytest.mark.parametrize("rtype", ["TXT", "A", "MX"])
def test_a_name_that_cannot_exist_has_no_records(name: str, rtype: RecordType) -> None:
    assert NOWHERE.query(name, rtype) == []
