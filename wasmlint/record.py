"""``Record``: the base class of frozen, slotted value classes that cost little at import.

``dataclasses`` writes and compiles the source of each class's methods when the class is created, about a
millisecond per class; a class decorator that adds ``__slots__`` must build every class twice. wasmlint defines
some thirty value classes and runs on every commit through pre-commit, where start-up is most of the cost. So a
record is a subclass of :class:`Record`, whose metaclass reads the annotated fields and creates the class once,
slotted; the behaviour comes from methods shared by every record: a constructor taking fields by position or
keyword (with defaults and default factories), equality and hashing over the compared fields, a readable repr,
and no assignment after construction (``class Counter(Record, frozen=False)`` allows it, and is unhashable).
Type checkers see it as a dataclass, through ``dataclass_transform``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda function: function


_MISSING: Any = object()


R = TypeVar("R", bound="Record")

RECORD_CLASSES: dict[str, type[Record]] = {}
"""Every record class by ``module.QualifiedName``, for :func:`from_plain`."""


def _no_values(record: Any) -> tuple[Any, ...]:
    """The compared values of a record that compares no field."""
    return ()


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


class _RecordMeta(type):
    """Turns the annotated class attributes of a ``Record`` subclass into slots, in order, as it creates it."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], *, frozen: bool = True) -> Any:
        if not bases:  # Record itself
            return super().__new__(mcs, name, bases, namespace)
        if any(getattr(base, "__record_spec__", ()) for base in bases):
            raise TypeError(f"{name}: a record cannot extend a record that has fields")
        spec: list[tuple[str, Any, Callable[[], Any] | None]] = []
        compared: list[str] = []
        shown: list[str] = []
        for field_name, annotation in namespace.get("__annotations__", {}).items():
            if str(annotation).startswith("ClassVar"):
                continue
            value = namespace.pop(field_name, _MISSING)
            if isinstance(value, _Field):
                spec.append((field_name, value.default, value.factory))
                if value.compare:
                    compared.append(field_name)
                if value.shown:
                    shown.append(field_name)
            else:
                spec.append((field_name, value, None))
                compared.append(field_name)
                shown.append(field_name)
        slots = tuple(field_name for field_name, _, _ in spec)
        namespace["__slots__"] = slots
        namespace["__match_args__"] = slots
        namespace["__record_spec__"] = tuple(spec)
        namespace["__record_compared__"] = tuple(compared)
        # The compared fields (a tuple, or the value of the one field), read in C: equality and hashing are on
        # the checker's hot path (findings are kept in dicts to drop repeats, types are compared per import).
        namespace["__record_values__"] = attrgetter(*compared) if compared else staticmethod(_no_values)
        namespace["__record_shown__"] = tuple(shown)
        namespace["__record_post_init__"] = "__post_init__" in namespace
        if not frozen:
            namespace["__hash__"] = None
            namespace["__setattr__"] = object.__setattr__
            namespace["__delattr__"] = object.__delattr__
        # Positional construction may stop at ``__record_tail__``: every later field has a plain default.
        tail = len(spec)
        while tail and spec[tail - 1][1] is not _MISSING and spec[tail - 1][2] is None:
            tail -= 1
        namespace["__record_tail__"] = tail
        namespace["__record_defaults__"] = tuple(default for _, default, _ in spec)
        cls: Any = super().__new__(mcs, name, bases, namespace)
        # Each slot's descriptor sets its field directly, past the frozen ``__setattr__``.
        cls.__record_setters__ = tuple(cls.__dict__[slot].__set__ for slot in slots)
        if "__init__" not in namespace and not namespace["__record_post_init__"] and len(slots) in _POSITIONAL_INITS:
            cls.__init__ = _POSITIONAL_INITS[len(slots)](cls.__record_setters__)
        RECORD_CLASSES[f"{cls.__module__}.{cls.__qualname__}"] = cls
        return cls


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
class Record(metaclass=_RecordMeta):
    """Subclass it to make a record: its annotated class attributes are its fields, in order."""

    __slots__ = ()
    __record_spec__: tuple[tuple[str, Any, Callable[[], Any] | None], ...] = ()
    __record_setters__: tuple[Callable[[Any, Any], None], ...] = ()
    __record_compared__: tuple[str, ...] = ()
    __record_values__: Callable[[Any], Any] = staticmethod(_no_values)
    __record_shown__: tuple[str, ...] = ()
    __record_post_init__ = False
    __record_tail__ = 0
    __record_defaults__: tuple[Any, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        setters = cls.__record_setters__
        if kwargs or len(args) != len(setters):
            self.__init_from_keywords(args, kwargs)
        else:  # every field by position: the decoder's hot path
            for set_field, value in zip(setters, args):
                set_field(self, value)
        if cls.__record_post_init__:
            self.__post_init__()  # type: ignore[attr-defined]

    def __init_from_keywords(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        cls = type(self)
        spec = cls.__record_spec__
        setters = cls.__record_setters__
        if not kwargs and cls.__record_tail__ <= len(args) <= len(spec):  # trailing fields left to plain defaults
            for set_field, value in zip(setters, args + cls.__record_defaults__[len(args) :]):
                set_field(self, value)
            return
        if len(args) > len(spec):
            raise TypeError(f"{cls.__name__}() takes {len(spec)} arguments, {len(args)} given")
        for set_field, value in zip(setters, args):
            set_field(self, value)
        for set_field, (name, default, factory) in zip(setters[len(args) :], spec[len(args) :]):
            if name in kwargs:
                value = kwargs.pop(name)
            elif factory is not None:
                value = factory()
            elif default is not _MISSING:
                value = default
            else:
                raise TypeError(f"{cls.__name__}() is missing {name!r}")
            set_field(self, value)
        if kwargs:
            raise TypeError(f"{cls.__name__}() got unexpected or repeated {', '.join(map(repr, kwargs))}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        values = self.__record_values__
        return bool(values(self) == values(other))

    def __hash__(self) -> int:
        return hash(self.__record_values__(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__record_shown__)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r} of a frozen {type(self).__name__}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r} of a frozen {type(self).__name__}")


# Constructors specialised on the number of fields, for the small records the decoder builds by the thousand: all
# fields given by position are set through their slot descriptors with no argument tuple to walk (half the cost of
# ``Record.__init__``). Anything else (keywords, defaults, a wrong count) goes to ``Record.__init__``. The
# parameters have names no field can take, so a keyword always lands in ``kwargs``.


def _general(self: Any, given: tuple[Any, ...], more: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    args = given[: given.index(_MISSING)] if _MISSING in given else given
    Record.__init__(self, *args, *more, **kwargs)


def _init1(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[..., None]:
    (s0,) = setters

    def __init__(self: Any, _0: Any = _MISSING, *more: Any, **kwargs: Any) -> None:
        if _0 is _MISSING or more or kwargs:
            return _general(self, (_0,), more, kwargs)
        s0(self, _0)

    return __init__


def _init2(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[..., None]:
    s0, s1 = setters

    def __init__(self: Any, _0: Any = _MISSING, _1: Any = _MISSING, *more: Any, **kwargs: Any) -> None:
        if _1 is _MISSING or more or kwargs:
            return _general(self, (_0, _1), more, kwargs)
        s0(self, _0)
        s1(self, _1)

    return __init__


def _init3(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[..., None]:
    s0, s1, s2 = setters

    def __init__(
        self: Any, _0: Any = _MISSING, _1: Any = _MISSING, _2: Any = _MISSING, *more: Any, **kwargs: Any
    ) -> None:
        if _2 is _MISSING or more or kwargs:
            return _general(self, (_0, _1, _2), more, kwargs)
        s0(self, _0)
        s1(self, _1)
        s2(self, _2)

    return __init__


def _init4(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[..., None]:
    s0, s1, s2, s3 = setters

    def __init__(
        self: Any,
        _0: Any = _MISSING,
        _1: Any = _MISSING,
        _2: Any = _MISSING,
        _3: Any = _MISSING,
        *more: Any,
        **kwargs: Any,
    ) -> None:
        if _3 is _MISSING or more or kwargs:
            return _general(self, (_0, _1, _2, _3), more, kwargs)
        s0(self, _0)
        s1(self, _1)
        s2(self, _2)
        s3(self, _3)

    return __init__


def _init5(setters: tuple[Callable[[Any, Any], None], ...]) -> Callable[..., None]:
    s0, s1, s2, s3, s4 = setters

    def __init__(
        self: Any,
        _0: Any = _MISSING,
        _1: Any = _MISSING,
        _2: Any = _MISSING,
        _3: Any = _MISSING,
        _4: Any = _MISSING,
        *more: Any,
        **kwargs: Any,
    ) -> None:
        if _4 is _MISSING or more or kwargs:
            return _general(self, (_0, _1, _2, _3, _4), more, kwargs)
        s0(self, _0)
        s1(self, _1)
        s2(self, _2)
        s3(self, _3)
        s4(self, _4)

    return __init__


_POSITIONAL_INITS = {1: _init1, 2: _init2, 3: _init3, 4: _init4, 5: _init5}


def replace(record: R, **changes: Any) -> R:
    """A copy of ``record`` with some fields changed (``dataclasses.replace``)."""
    values = {name: getattr(record, name) for name, _, _ in type(record).__record_spec__ if not name.startswith("_")}
    values.update(changes)
    return type(record)(**values)


def to_plain(value: Any) -> Any:
    """``value`` as data ``marshal`` can store: records become ``(..., "module.Class", fields)`` tuples.

    Private fields (a leading underscore) are left out: they are derived from the others when the record is built
    again. Raises ``TypeError`` for anything that is not a record, a tuple, list or dict of them, or a scalar.
    """
    if isinstance(value, Record):
        cls = type(value)
        return (
            ...,
            f"{cls.__module__}.{cls.__qualname__}",
            tuple(to_plain(getattr(value, name)) for name, _, _ in cls.__record_spec__ if not name.startswith("_")),
        )
    if isinstance(value, tuple):
        return tuple(to_plain(item) for item in value)
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {to_plain(key): to_plain(item) for key, item in value.items()}
    if value is None or isinstance(value, (str, int, float, bytes)):
        return value
    raise TypeError(f"{type(value).__name__} is not plain data")


def from_plain(value: Any) -> Any:
    """The inverse of :func:`to_plain`; records are built again through their constructors.

    Equal plain records of a frozen class become one shared record: a manifest's thousands of entries name a few
    dozen types, each built once."""
    return _Rebuilder().rebuild(value)


class _Rebuilder:
    __slots__ = ("built",)

    def __init__(self) -> None:
        self.built: dict[Any, Any] = {}

    def rebuild(self, value: Any) -> Any:
        kind = type(value)
        if kind is tuple:
            if value and value[0] is ...:
                if RECORD_CLASSES[value[1]].__hash__ is None:  # frozen=False: each its own
                    return self.record(value)
                try:
                    return self.built[value]
                except KeyError:
                    record = self.built[value] = self.record(value)
                    return record
                except TypeError:  # a list or dict inside: not hashable, not shared
                    return self.record(value)
            if any(type(item) in _CONTAINERS for item in value):
                return tuple(self.rebuild(item) for item in value)
            return value
        if kind is list:
            return [self.rebuild(item) for item in value]
        if kind is dict:
            return {self.rebuild(key): self.rebuild(item) for key, item in value.items()}
        return value

    def record(self, value: tuple[Any, ...]) -> Any:
        cls = RECORD_CLASSES[value[1]]
        fields = [self.rebuild(item) if type(item) in _CONTAINERS else item for item in value[2]]
        public = _PUBLIC_FIELDS.get(cls)
        if public is None:
            public = _PUBLIC_FIELDS[cls] = tuple(n for n, _, _ in cls.__record_spec__ if not n.startswith("_"))
        if len(public) == len(cls.__record_spec__):
            return cls(*fields)
        return cls(**dict(zip(public, fields)))


_CONTAINERS = (tuple, list, dict)
_PUBLIC_FIELDS: dict[type[Record], tuple[str, ...]] = {}
