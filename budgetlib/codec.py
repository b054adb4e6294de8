"""Documents as data: JSON derived from the dataclasses' fields and type hints, and back — never code.

The extraction cache, the spool of a batch and the Dask workers keep and hand on ``Document`` objects in
this form.  They never use pickle, which runs whatever a tampered file asks for: a cache entry (or a
spool) is only ever read as JSON, and every value is checked against the type of the field it fills.

Nothing here names a field: a dataclass is encoded field by field (``dataclasses.fields``), each value by
its type hint (``typing.get_type_hints``), so a field or a dataclass added to the model later round-trips
without a change here.  Supported: ``None``, ``bool``, ``int``, ``float``, ``str``, ``Decimal`` (its exact
text: ``"3402.46"``), ``Path``, enums, ``Literal``, ``list``/``tuple``/``set``/``frozenset``, ``dict`` (an
object when the keys are ``str``, else a list of pairs), dataclasses, and unions of them (``X | None``; a
union whose members would look alike in JSON is tagged with the member's position).  ``Any`` or a missing
hint takes plain JSON values only.  A type that fits none of these is an ``CodecError`` when the first
value of it is encoded — a test round-trips a whole document, so it shows at once.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import types
import typing
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath
from typing import Any

from .exceptions import BudgetlibError

FORMAT = "budgetlib-data"
VERSION = 1  # of this encoding; part of the cache key


class CodecError(BudgetlibError, ValueError):
    """A value that does not fit its type: on encoding a bug (a type this module cannot store), on decoding
    a file that is not what it claims (read as no entry)."""


Convert = Callable[[Any], Any]
_NoneType = type(None)


def _hints(cls: type) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception as exc:  # an annotation that does not resolve: a bug of the model
        raise CodecError(f"cannot resolve the type hints of {cls.__qualname__}: {exc}") from None


def _kind(tp: Any) -> str:
    """What a value of ``tp`` looks like in JSON (to tell the members of a union apart)."""
    origin = typing.get_origin(tp) or tp
    if tp is _NoneType or tp is None:
        return "null"
    if origin is bool:
        return "bool"
    if origin is int:
        return "int"
    if origin is float:
        return "number"
    if origin in (list, tuple, set, frozenset):
        return "list"
    if origin is dict:
        key = (typing.get_args(tp) or (str,))[0]
        return "dict" if key is str else "list"
    if dataclasses.is_dataclass(origin):
        return "dict"
    if origin is typing.Literal:
        return "literal"
    if isinstance(origin, type) and issubclass(origin, enum.Enum):
        return "enum"
    return "str"  # str, Decimal, Path


# the Python types ``json.loads`` gives for each kind of value (a literal or an enum may be any)
_JSON_TYPES = {"null": (_NoneType,), "bool": (bool,), "int": (int,), "number": (float,), "str": (str,),
               "list": (list,), "dict": (dict,)}


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


@functools.cache
def encoder(tp: Any) -> Convert:
    """A function from a value of type ``tp`` to plain JSON values."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in (Any, object) or tp is None or tp is _NoneType:
        return _plain
    if _is_union(tp):
        members = [(m, encoder(m)) for m in args]
        kinds = [_kind(m) for m in args]
        tagged = len(set(kinds)) < len(kinds)

        def union(v: Any) -> Any:
            for i, (m, enc) in enumerate(members):
                if _fits(v, m):
                    return [i, enc(v)] if tagged else enc(v)
            raise CodecError(f"{v!r} is none of {tp}")

        return union
    if origin is typing.Literal:
        return _plain
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        fields = [(f.name, encoder(hints.get(f.name, Any))) for f in dataclasses.fields(tp)]
        return lambda v: {name: enc(getattr(v, name)) for name, enc in fields}
    if origin in (list, set, frozenset) or tp in (list, set, frozenset):
        item = encoder(args[0]) if args else _plain
        return lambda v: [item(x) for x in v]
    if origin is tuple or tp is tuple:
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            item = encoder(args[0]) if args else _plain
            return lambda v: [item(x) for x in v]
        items = [encoder(a) for a in args]
        return lambda v: [enc(x) for enc, x in zip(items, v, strict=True)]
    if origin is dict or tp is dict:
        key, value = (encoder(args[0]), encoder(args[1])) if args else (_plain, _plain)
        if not args or args[0] is str:
            return lambda v: {k: value(x) for k, x in v.items()}
        return lambda v: [[key(k), value(x)] for k, x in v.items()]
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return lambda v: _plain(v.value)
        if tp is Decimal:
            return _decimal_text
        if issubclass(tp, PurePath):
            return lambda v: str(v)
        if tp in (bool, int, float, str):
            return _scalar(tp)
    raise CodecError(f"no JSON form for values of type {tp!r}; add it to budgetlib/codec.py")


def _scalar(tp: type) -> Convert:
    def check(v: Any) -> Any:
        if not _fits(v, tp):
            raise CodecError(f"{v!r} is not a {tp.__name__}")
        return v

    return check


def _decimal_text(v: Any) -> str:
    if not isinstance(v, Decimal):
        raise CodecError(f"{v!r} is not a Decimal")
    return str(v)


def _plain(v: Any) -> Any:
    """A value with no type hint: plain JSON values only (checked, so that nothing is lost silently)."""
    if v is None or isinstance(v, bool | int | str) or (isinstance(v, float) and v == v):
        return v
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        return {k: _plain(x) for k, x in v.items()}
    raise CodecError(f"{v!r} has no JSON form without a type hint")


def _fits(v: Any, tp: Any) -> bool:
    """Whether a Python value is of type ``tp`` (enough to choose a union's member)."""
    if tp in (Any, object):
        return True
    if tp is None or tp is _NoneType:
        return v is None
    if _is_union(tp):
        return any(_fits(v, m) for m in typing.get_args(tp))
    origin = typing.get_origin(tp) or tp
    if origin is typing.Literal:
        return v in typing.get_args(tp)
    if origin is int:
        return isinstance(v, int) and not isinstance(v, bool)
    if origin is float:
        return isinstance(v, float | int) and not isinstance(v, bool)
    if origin is str:
        return isinstance(v, str)
    return isinstance(origin, type) and isinstance(v, origin)


@functools.cache
def decoder(tp: Any) -> Convert:
    """A function from plain JSON values to a value of type ``tp``, checked: ``CodecError`` when they do not
    fit it."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in (Any, object):
        return _plain
    if tp is None or tp is _NoneType:
        return _expect(lambda v: v is None, "null")
    if _is_union(tp):
        members = [(m, decoder(m)) for m in args]
        kinds = [_kind(m) for m in args]
        if len(set(kinds)) < len(kinds):  # tagged: [member's position, value]
            def tagged(v: Any) -> Any:
                if not (isinstance(v, list) and len(v) == 2 and type(v[0]) is int and 0 <= v[0] < len(members)):
                    raise CodecError(f"{v!r} is not a tagged value of {tp}")
                return members[v[0]][1](v[1])

            return tagged

        by_type: dict[type, Convert] = {}
        for (_, dec), kind in zip(members, kinds):
            for t in _JSON_TYPES.get(kind, ()):
                by_type.setdefault(t, dec)

        def union(v: Any) -> Any:
            dec = by_type.get(type(v))
            if dec is not None:
                return dec(v)
            for _, dec in members:  # a literal or an enum member
                try:
                    return dec(v)
                except CodecError:
                    continue
            raise CodecError(f"{v!r} is none of {tp}")

        return union
    if origin is typing.Literal:
        return _expect(lambda v: v in args and type(v) in {type(a) for a in args}, f"one of {args}")
    if dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if origin in (list, set, frozenset) or tp in (list, set, frozenset):
        item = decoder(args[0]) if args else _plain
        if (origin or tp) is list:
            return lambda v: [item(x) for x in _list(v)]
        make = origin or tp
        return lambda v: make(item(x) for x in _list(v))
    if origin is tuple or tp is tuple:
        if not args or (len(args) == 2 and args[1] is Ellipsis):
            item = decoder(args[0]) if args else _plain
            return lambda v: tuple(item(x) for x in _list(v))
        items = [decoder(a) for a in args]

        def fixed(v: Any) -> tuple:
            v = _list(v)
            if len(v) != len(items):
                raise CodecError(f"{v!r} does not have {len(items)} items")
            return tuple(dec(x) for dec, x in zip(items, v))

        return fixed
    if origin is dict or tp is dict:
        key, value = (decoder(args[0]), decoder(args[1])) if args else (_plain, _plain)
        if not args or args[0] is str:
            return lambda v: {key(k): value(x) for k, x in _dict(v).items()}

        def pairs(v: Any) -> dict:
            out = {}
            for pair in _list(v):
                if not (isinstance(pair, list) and len(pair) == 2):
                    raise CodecError(f"{pair!r} is not a key and a value")
                out[key(pair[0])] = value(pair[1])
            return out

        return pairs
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            def member(v: Any) -> Any:
                try:
                    return tp(v)
                except ValueError:
                    raise CodecError(f"{v!r} is not a {tp.__name__}") from None

            return member
        if tp is Decimal:
            return _decimal
        if issubclass(tp, PurePath):
            return lambda v: tp(_text(v)) if tp is not PurePath else Path(_text(v))
        if tp is float:
            return lambda v: float(v) if type(v) in (int, float) else _fail(v, "a number")
        if tp in (bool, int, str):
            return functools.partial(_exactly, tp)
    raise CodecError(f"no JSON form for values of type {tp!r}; add it to budgetlib/codec.py")


def _dataclass_decoder(cls: type) -> Convert:
    """Fields set as they were stored (as pickle does, without calling ``__init__`` again: the stored
    values are those it made); a field missing from the data (stored before it existed) takes its
    default, and a field the class does not have makes the data not a ``cls``."""
    hints = _hints(cls)
    fields = dataclasses.fields(cls)
    # (name, the JSON types taken as they are — text, whole numbers, None — or None, else the decoder)
    plan = [(f.name, _as_is(hints.get(f.name, Any)), decoder(hints.get(f.name, Any))) for f in fields]
    names = {f.name for f in fields}
    defaults = {f.name: f for f in fields if f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING}
    slots = "__slots__" in cls.__dict__
    new = object.__new__

    def make(v: Any) -> Any:
        if type(v) is not dict:
            _fail(v, f"a {cls.__name__}")
        if v.keys() != names:
            v = _completed(cls, v, names, defaults)
        values = {}
        for k, as_is, conv in plan:
            x = v[k]
            if as_is is None:
                values[k] = conv(x)
            elif type(x) in as_is:
                values[k] = x
            else:
                _fail(x, f"a value of {cls.__name__}.{k}")
        obj = new(cls)
        if slots:
            for k, x in values.items():
                object.__setattr__(obj, k, x)
        else:
            obj.__dict__.update(values)
        return obj

    return make


def _as_is(tp: Any) -> frozenset[type] | None:
    """The JSON types that are a value of ``tp`` as they are (``str``, ``int``, ``bool``, ``None`` and unions of
    them: checked by their type alone, the quick way most fields take); None for any other type."""
    members = typing.get_args(tp) if _is_union(tp) else (tp,)
    if all(m in (str, int, bool, _NoneType, None) for m in members):
        return frozenset(_NoneType if m is None else m for m in members)
    return None


def _completed(cls: type, v: dict, names: set[str], defaults: dict[str, dataclasses.Field]) -> dict:
    unknown, missing = v.keys() - names, names - v.keys()
    if unknown or missing - defaults.keys():
        raise CodecError(f"not a {cls.__name__}: unknown fields {sorted(unknown)}, missing "
                         f"{sorted(missing - defaults.keys())}")
    v = dict(v)
    for k in missing:  # the default, as stored data: it is decoded like the rest
        f = defaults[k]
        value = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        v[k] = encoder(typing.get_type_hints(cls).get(k, Any))(value)
    return v


def _exactly(tp: type, v: Any) -> Any:
    return v if type(v) is tp else _fail(v, f"a {tp.__name__}")


def _expect(ok: Callable[[Any], bool], what: str) -> Convert:
    def check(v: Any) -> Any:
        return v if ok(v) else _fail(v, what)

    return check


def _fail(v: Any, what: str) -> Any:
    raise CodecError(f"{v!r} is not {what}")


def _list(v: Any) -> list:
    return v if isinstance(v, list) else _fail(v, "a list")


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else _fail(v, "an object")


def _text(v: Any) -> str:
    return v if isinstance(v, str) else _fail(v, "a text")


def _decimal(v: Any) -> Decimal:
    try:
        return Decimal(_text(v))
    except InvalidOperation:
        raise CodecError(f"{v!r} is not a decimal number") from None


def dumps(obj: Any, tp: Any = None) -> bytes:
    """``obj`` (a dataclass, or a value of type ``tp``) as UTF-8 JSON, with the name of its type."""
    tp = tp or type(obj)
    body = {"format": FORMAT, "version": VERSION, "type": getattr(tp, "__qualname__", str(tp)),
            "data": encoder(tp)(obj)}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def loads(data: bytes | str, tp: Any) -> Any:
    """The value of type ``tp`` that ``dumps`` wrote; ``CodecError`` when ``data`` is anything else."""
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CodecError(f"not JSON: {exc}") from None
    name = getattr(tp, "__qualname__", str(tp))
    if not (isinstance(body, dict) and body.get("format") == FORMAT and body.get("version") == VERSION
            and body.get("type") == name and "data" in body):
        raise CodecError(f"not a {name} written by budgetlib (format {FORMAT} {VERSION})")
    return decoder(tp)(body["data"])


__all__ = ["FORMAT", "VERSION", "CodecError", "decoder", "dumps", "encoder", "loads"]
