"""``@record``: frozen, slotted value classes that cost nothing at import.

``dataclasses`` writes and compiles the source of each class's methods when the class is created, about a
millisecond per class; wasmlint defines some thirty of them and runs on every commit through pre-commit, where
start-up is most of the cost. A record gets the same behaviour from methods shared by every record: a
constructor taking fields by position or keyword (with defaults and default factories), equality and hashing
over the compared fields, a readable repr, and no assignment after construction. Type checkers see it as a
dataclass, through ``dataclass_transform``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda function: function


T = TypeVar("T", bound=type)

_MISSING: Any = object()


class _Field:
    __slots__ = ("compare", "default", "factory", "shown")

    def __init__(self, default: Any, factory: Callable[[], Any] | None, compare: bool, shown: bool) -> None:
        self.default = default
        self.factory = factory
        self.compare = compare
        self.shown = shown


def field(
    *,
    default: Any = _MISSING,
    default_factory: Callable[[], Any] | None = None,
    compare: bool = True,
    repr: bool = True,
) -> Any:
    """A field with a default factory, or left out of equality or the repr, as ``dataclasses.field`` spells it."""
    return _Field(default, default_factory, compare, repr)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    cls = type(self)
    spec = cls.__record_spec__
    if len(args) > len(spec):
        raise TypeError(f"{cls.__name__}() takes {len(spec)} arguments, {len(args)} given")
    for (name, _, _), value in zip(spec, args):
        object.__setattr__(self, name, value)
    for name, default, factory in spec[len(args) :]:
        if name in kwargs:
            value = kwargs.pop(name)
        elif factory is not None:
            value = factory()
        elif default is not _MISSING:
            value = default
        else:
            raise TypeError(f"{cls.__name__}() is missing {name!r}")
        object.__setattr__(self, name, value)
    if kwargs:
        raise TypeError(f"{cls.__name__}() got unexpected or repeated {', '.join(map(repr, kwargs))}")
    if cls.__record_post_init__:
        self.__post_init__()


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in type(self).__record_compared__)


def _eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__record_shown__)
    return f"{type(self).__name__}({shown})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")


@overload
def record(cls: T, /) -> T: ...
@overload
def record(*, frozen: bool = True) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: Any = None, /, *, frozen: bool = True) -> Any:
    """Make ``cls`` a record: its annotated class attributes are its fields, in order."""

    def build(cls: Any) -> Any:
        spec: list[tuple[str, Any, Callable[[], Any] | None]] = []
        compared: list[str] = []
        shown: list[str] = []
        namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
        for name, annotation in cls.__annotations__.items():
            if str(annotation).startswith("ClassVar"):
                continue
            value = namespace.pop(name, _MISSING)
            if isinstance(value, _Field):
                spec.append((name, value.default, value.factory))
                if value.compare:
                    compared.append(name)
                if value.shown:
                    shown.append(name)
            else:
                spec.append((name, value, None))
                compared.append(name)
                shown.append(name)
        namespace["__slots__"] = tuple(name for name, _, _ in spec)
        namespace["__record_spec__"] = tuple(spec)
        namespace["__record_compared__"] = tuple(compared)
        namespace["__record_shown__"] = tuple(shown)
        namespace["__record_post_init__"] = "__post_init__" in namespace
        namespace["__match_args__"] = namespace["__slots__"]
        namespace["__init__"] = _init
        namespace["__eq__"] = _eq
        namespace["__repr__"] = _repr
        if frozen:
            namespace["__hash__"] = _hash
            namespace["__setattr__"] = _frozen_setattr
            namespace["__delattr__"] = _frozen_setattr
        else:
            namespace["__hash__"] = None
        return type(cls)(cls.__name__, cls.__bases__, namespace)

    return build if cls is None else build(cls)
