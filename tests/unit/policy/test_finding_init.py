"""`Finding.__init__` sets the slots through their descriptors: it must take the arguments the
dataclass's generated `__init__` takes and make the same value."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.policy.verdict import Finding


@dataclasses.dataclass(frozen=True, slots=True)
class _Generated:
    """`Finding`'s fields with the `__init__` the dataclass would write."""

    category: str
    rule: str
    severity: str
    span: tuple[int, int] | None
    message: str
    field: str = "text"


def _slots(value: object) -> tuple[object, ...]:
    return tuple(getattr(value, name) for name in type(value).__slots__)  # type: ignore[attr-defined]


def test_the_fields_are_the_generated_ones() -> None:
    assert [f.name for f in dataclasses.fields(Finding)] == list(Finding.__slots__)
    assert [f.name for f in dataclasses.fields(Finding)] == list(_Generated.__slots__)
    mine = inspect.signature(Finding.__init__).parameters
    theirs = inspect.signature(_Generated.__init__).parameters
    assert [(p.name, p.kind, p.default) for p in mine.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


@given(
    st.text(max_size=8),
    st.text(max_size=8),
    st.sampled_from(["block", "warn"]),
    st.none() | st.tuples(st.integers(0, 99), st.integers(0, 99)),
    st.text(max_size=20),
    st.none() | st.sampled_from(["text", "subject"]),
)
def test_a_finding_is_the_value_the_generated_init_makes(
    category: str, rule: str, severity: str, span: tuple[int, int] | None, message: str,
    field: str | None,
) -> None:  # fmt: skip
    args = (category, rule, severity, span, message) + (() if field is None else (field,))
    made = Finding(*args)  # type: ignore[arg-type]
    assert _slots(made) == _slots(_Generated(*args))  # type: ignore[arg-type]
    by_name = Finding(**dict(zip(Finding.__slots__, args, strict=False)))  # type: ignore[arg-type]
    assert by_name == made
    assert hash(by_name) == hash(made)
    assert repr(made) == repr(_Generated(*args)).replace("_Generated", "Finding")  # type: ignore[arg-type]
    assert dataclasses.replace(made, span=None) == Finding(*args[:3], None, *args[4:])  # type: ignore[arg-type]


def test_a_finding_stays_frozen() -> None:
    finding = Finding("contact_info", "phone_number", "block", (0, 4), "No numbers.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.span = None  # type: ignore[misc]
