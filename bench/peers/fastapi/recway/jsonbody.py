"""Reading JSON request bodies exactly as the RecWay API reads them.

Clients parse the `json_invalid` errors of a `422` (`{"loc": ["body", <byte offset>],
"ctx": {"error": "<reason>"}}`), so a body is parsed with pydantic-core's parser (jiter),
whose reasons are serde_json's ("expected value", "trailing comma", ...), and located by
byte offset. FastAPI's own parser (the standard library's `json`) words them differently,
counts characters rather than bytes, and accepts `NaN` and `Infinity`.

jiter is lenient where serde_json is not, made up for here: a number beyond the range of
a double (`1e400`) is an error, not infinity; so is a repeated field of the body's model
(`{"nombre": "a", "nombre": "b"}`), and nesting 128 deep (jiter allows more). serde_json
reads as it goes, so the first of these problems, or of syntax, in document order is the
one reported.

Some positions are moved to where serde_json puts them: jiter stops at the first bad digit
of a `\\uXXXX` escape (serde_json reads all four first), and at the first byte of a string
that is not UTF-8 (serde_json checks the whole string, then counts back from its end).

Only an object is read in full. Any other body is checked for syntax alone, as the API
does before answering that it is not an object: the text of its strings does not matter,
and serde_json's skipping reader words two problems differently (see `_as_skipped`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from pydantic_core import from_json

# jiter ends its messages with where the problem is, as serde_json does.
_POSITION = re.compile(r"^(?P<reason>.*) at line (?P<line>\d+) column (?P<column>\d+)$", re.S)

# What may precede a body's first value (Rust's `is_ascii_whitespace`).
_LEADING_SPACE = b" \t\n\x0c\r"

# Every byte outside ASCII becomes `?`, and every surrogate escape a letter's: the same
# length, so positions hold, and strings whose text does not matter stay valid.
_ASCII_ONLY = bytes(byte if byte < 0x80 else ord("?") for byte in range(256))
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

# serde_json's recursion limit: the 128th container opened within another is an error.
MAX_DEPTH = 128

# The tokens of valid JSON, strings whole (so that nothing inside one is taken for a token).
_TOKEN = re.compile(
    rb'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[{}\[\]:,]|true|false|null'
)

# A string's escapes: a surrogate pair, another `\\uXXXX`, or one character.
_ESCAPE = re.compile(
    rb"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\(.)", re.S
)
_SIMPLE_ESCAPES = {b"b": b"\b", b"f": b"\f", b"n": b"\n", b"r": b"\r", b"t": b"\t"}


@dataclass(frozen=True, slots=True)
class InvalidJson:
    """A body that could not be read: why, and at which byte."""

    reason: str
    position: int


def decode(body: bytes, unique_keys: frozenset[str] = frozenset()) -> Any:
    """The JSON value of `body`, or an `InvalidJson` saying why there is none.

    `unique_keys` are the names a top-level object may not repeat (its model's fields).
    """
    first = body.lstrip(_LEADING_SPACE)[:1]
    if first != b"{":
        # Not an object: only its syntax matters (see the module's docstring).
        try:
            syntax = _SURROGATE_ESCAPE.sub(rb"\\u0041", body.translate(_ASCII_ONLY))
            return from_json(syntax, allow_inf_nan=False)
        except ValueError as error:
            return _as_skipped(body, _located(body, str(error)))
    try:
        value = from_json(body, allow_inf_nan=False)
    except ValueError as error:
        # Reading stops at the first problem: one of serde_json's own may come before.
        syntax = _located(body, str(error))
        return _first_strict_problem(body, unique_keys, syntax.position) or syntax
    if _may_be_stricter(body, value, unique_keys):
        return _first_strict_problem(body, unique_keys, len(body)) or value
    return value


def _located(body: bytes, message: str) -> InvalidJson:
    """jiter's message as a reason and a 0-based byte offset (it gives line and column)."""
    match = _POSITION.match(message)
    if match is None:
        return InvalidJson(message, 0)
    line, column = int(match["line"]), int(match["column"])
    line_start = sum(len(text) + 1 for text in body.split(b"\n")[: line - 1])
    position = min(line_start + max(column - 1, 0), len(body))
    if match["reason"] == "invalid unicode code point":
        return _not_utf8(body)
    if match["reason"] == "invalid escape":
        # Within `\uXXXX`: at its last digit, as serde_json reads all four first.
        escape = body.rfind(b"\\u", max(position - 5, 0), position)
        if escape != -1:
            position = min(escape + 5, len(body) - 1)
    return InvalidJson(match["reason"], position)


def _not_utf8(body: bytes) -> InvalidJson:
    """A string that is not UTF-8, where serde_json reports it: it checks a string once it
    has read it whole (escapes decoded), and counts back from the closing quote to the
    first byte that is not UTF-8."""
    try:
        body.decode()
    except UnicodeDecodeError as error:
        bad = error.start
    else:
        return InvalidJson("invalid unicode code point", 0)
    string = next((t for t in _TOKEN.finditer(body) if t.start() <= bad < t.end()), None)
    if string is None or not string.group().startswith(b'"'):
        return InvalidJson("EOF while parsing a string", len(body) - 1)
    text = _ESCAPE.sub(_unescaped, string.group()[1:-1])
    try:
        text.decode()
    except UnicodeDecodeError as error:
        return InvalidJson("invalid unicode code point", string.end() - 1 - (len(text) - error.start))
    return InvalidJson("invalid unicode code point", bad)


def _unescaped(escape: re.Match[bytes]) -> bytes:
    if escape[1]:
        high, low = int(escape[1], 16), int(escape[2], 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).encode()
    if escape[3]:
        return chr(int(escape[3], 16)).encode(errors="surrogatepass")
    return _SIMPLE_ESCAPES.get(escape[4], escape[4])


def _as_skipped(body: bytes, problem: InvalidJson) -> InvalidJson:
    """A problem as serde_json words it when it skips a value rather than reads it: it has
    no notion of a trailing comma (the next item is missing), and places a control
    character in a string one byte earlier."""
    if problem.reason == "trailing comma":
        closing = body[problem.position : problem.position + 1]
        return InvalidJson("expected value" if closing == b"]" else "key must be a string", problem.position)
    if problem.reason.startswith("control character"):
        # jiter places a newline at the start of the next line, any other at itself.
        newline = body[problem.position - 1 : problem.position] == b"\n"
        at = problem.position - 1 if newline else problem.position
        return InvalidJson(problem.reason, max(at - 1, 0))
    return problem


def _may_be_stricter(body: bytes, value: Any, unique_keys: Iterable[str]) -> bool:
    """A cheap test for what `_first_strict_problem` looks for; false means it finds nothing."""
    if _overflows(value) or body.count(b"[") + body.count(b"{") >= MAX_DEPTH:
        return True
    # An escape can spell a key (`"nombr\u0065"`), so such bodies are always looked at.
    if b"\\u" in body:
        return True
    return any(body.count(b'"%s"' % key.encode()) > 1 for key in unique_keys)


def _overflows(value: Any) -> bool:
    """Whether a number in `value` is beyond the range of a double (jiter made it inf)."""
    if isinstance(value, float):
        return math.isinf(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return True
        return False
    if isinstance(value, dict):
        return any(_overflows(item) for item in value.values())
    if isinstance(value, list):
        return any(_overflows(item) for item in value)
    return False


def _first_strict_problem(body: bytes, unique_keys: frozenset[str], end: int) -> InvalidJson | None:
    """The first number out of range, repeated top-level key or container too deep, in
    document order, of a body that is valid JSON up to `end`; at the byte serde_json
    reports it."""
    depth = 0
    expecting_key = False
    seen: set[str] = set()
    for token in _TOKEN.finditer(body, 0, end):
        text = token.group()
        if text in (b"{", b"["):
            depth += 1
            if depth == MAX_DEPTH:
                return InvalidJson("recursion limit exceeded", token.start())
            expecting_key = text == b"{" and depth == 1
        elif text in (b"}", b"]"):
            depth -= 1
        elif text == b",":
            expecting_key = depth == 1
        elif text == b":":
            expecting_key = False
        elif text.startswith(b'"'):
            if expecting_key:
                try:
                    key = json.loads(text)
                except ValueError:
                    return None  # the syntax problem itself, reported as such
                if key in unique_keys and key in seen:
                    return InvalidJson(f"duplicate field `{key}`", token.end() - 1)
                seen.add(key)
        elif text[:1] in b"-0123456789" and math.isinf(float(text)):
            return InvalidJson("number out of range", token.end() - 1)
    return None
