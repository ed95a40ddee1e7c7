"""`Record` subclasses behave as frozen, slotted dataclasses would."""

from __future__ import annotations

import pytest

from wasmlint.record import Record, field


class Point(Record):
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", compare=False, repr=False)


def test_construction_by_position_keyword_and_defaults() -> None:
    assert Point(1, 2).y == 2
    assert Point(x=1).y == 0
    assert Point(1).tags == [] and Point(1).tags is not Point(1).tags
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, [], "", 5)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, x=3)  # type: ignore[misc]


def test_equality_hash_and_repr_follow_the_compared_fields() -> None:
    assert Point(1, note="a") == Point(1, note="b")
    assert Point(1) != Point(2)
    assert hash(Point(1, tags=())) == hash(Point(1, tags=(), note="x"))  # type: ignore[arg-type]
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"
    assert Point(1) != (1, 0)


def test_frozen_and_slotted() -> None:
    point = Point(1)
    with pytest.raises(AttributeError):
        point.x = 2  # type: ignore[misc]
    assert not hasattr(point, "__dict__")


def test_mutable_records_are_unhashable() -> None:
    class Counter(Record, frozen=False):
        count: int = 0

    counter = Counter()
    counter.count += 1
    assert counter.count == 1
    with pytest.raises(TypeError):
        hash(counter)


def test_fields_are_slots_in_declaration_order_and_match_positionally() -> None:
    assert Point.__slots__ == ("x", "y", "tags", "note")
    match Point(3, 4):
        case Point(x, y):
            assert (x, y) == (3, 4)
        case _:
            pytest.fail("Point(3, 4) did not match positionally")


def test_frozen_records_refuse_deletion_and_extension() -> None:
    point = Point(1)
    with pytest.raises(AttributeError):
        del point.x
    with pytest.raises(TypeError, match="cannot extend"):

        class Point3(Point):  # type: ignore[misc]
            z: int = 0


def test_post_init_runs_after_construction() -> None:
    class Checked(Record):
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    assert Checked(1).value == 1
    with pytest.raises(ValueError):
        Checked(-1)
    with pytest.raises(ValueError):
        Checked(value=-1)


def test_trailing_plain_defaults_fill_positional_construction() -> None:
    class Span(Record):
        start: int
        size: int = 0
        name: str | None = None

    assert Span(1) == Span(1, 0, None) == Span(start=1)
    assert Span(1, 2).size == 2 and Span(1, 2).name is None
    assert Point(1, 2, ["t"]).note == ""
    with pytest.raises(TypeError):
        Span()  # type: ignore[call-arg]
