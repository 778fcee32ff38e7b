"""The segment as clients send it and as they get it back (Pydantic models), and the
`{id}` of its path.

Validation follows the API's rules ("Rules" in the repository's docs/api.md): strict JSON
types (`"12.5"` is not a number), lengths in characters, unknown fields refused, and the
server-owned fields accepted and ignored, because clients echo whole segments back.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, PydanticKnownError

from .jsonbody import InvalidJson

# Largest integer a JavaScript number (and so a D1 binding) holds exactly.
MAX_SAFE_INTEGER = 9_007_199_254_740_991

# The Unicode White_Space characters, which Rust's `str::trim` removes (Python's
# `str.strip()` also removes the ASCII separators \x1c-\x1f, which are not blank here).
_WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

# An integer as Rust's `i64::from_str` reads one: ASCII digits, an optional sign.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_I64 = range(-(2**63), 2**63)


def parse_integer(raw: Any) -> Any:
    """A query integer (always text): digits only (no `1.0`, `1_000` or `١٢`, which
    Pydantic's lax mode would take), spaces around them allowed, within 64 bits."""
    if not isinstance(raw, str):
        return raw
    return _integer(raw.strip(_WHITE_SPACE))


def _integer(text: str) -> int:
    if _INTEGER.fullmatch(text) and int(text) in _I64:
        return int(text)
    raise PydanticKnownError("int_parsing")


def parse_path_integer(raw: Any) -> Any:
    """A path integer. The API reads the path as sent, where a space can only be encoded
    (`%20`), and so not trimmed; FastAPI has decoded it, so none is trimmed here."""
    return _integer(raw) if isinstance(raw, str) else raw


# The `{id}` of /api/v1/segmentos/{id}: any integer a D1 binding carries exactly. Ids that
# cannot exist (0, negatives) are simply not found, as in the original API.
SegmentoId = Annotated[
    int,
    BeforeValidator(parse_path_integer),
    Field(ge=-MAX_SAFE_INTEGER, le=MAX_SAFE_INTEGER),
]


def _nombre_rules(nombre: str) -> str:
    """At most 200 characters and not blank. Both problems are reported when both hold (a
    length constraint would stop at the first), as the API lists every problem of a field."""
    problems: list[InitErrorDetails] = []
    if len(nombre) > 200:
        problems.append(
            InitErrorDetails(type="string_too_long", loc=(), input=nombre, ctx={"max_length": 200})
        )
    if not nombre.strip(_WHITE_SPACE):
        problems.append(
            InitErrorDetails(
                type=PydanticCustomError("string_blank", "String should not be blank"),
                loc=(),
                input=nombre,
            )
        )
    if problems:
        raise ValidationError.from_exception_data("nombre", problems)
    return nombre


Nombre = Annotated[str, AfterValidator(_nombre_rules)]
Descripcion = Annotated[str, Field(max_length=2000)]
Ubicacion = Annotated[str, Field(max_length=200)]
Longitud = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Latitud = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]

# The columns a client writes, in table order.
USER_FIELDS = ("nombre", "descripcion", "longitud", "latitud", "ubicacion")

# The columns the server sets; accepted in a body and ignored.
SERVER_FIELDS = frozenset({"id_segmento", "created_at", "updated_at", "version"})


class SegmentoBody(BaseModel):
    """What create and update bodies share: strict types, unknown fields refused, the
    server-owned fields ignored."""

    model_config = ConfigDict(extra="forbid", strict=True)

    # Names a body may not repeat (see `jsonbody`): the fields clients write.
    json_unique_keys: ClassVar[frozenset[str]] = frozenset(USER_FIELDS)

    @model_validator(mode="before")
    @classmethod
    def _client_input(cls, data: Any) -> Any:
        """The body as the client's input. An unreadable one (see `http.JsonBodyRequest`)
        fails here, as a body error, so that FastAPI reports it together with a bad path
        id, as it does invalid fields. The server-owned fields are dropped: clients echo
        them back with the rest of a segment, and the server sets them."""
        if isinstance(data, dict) and not SERVER_FIELDS.isdisjoint(data):
            return {key: value for key, value in data.items() if key not in SERVER_FIELDS}
        if isinstance(data, InvalidJson):
            raise ValidationError.from_exception_data(
                cls.__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "json_invalid", "JSON decode error", {"error": data.reason}
                        ),
                        loc=(data.position,),
                        input=None,
                    )
                ],
            )
        return data

    def changes(self) -> dict[str, Any]:
        """The client's fields that were sent, by column."""
        return {name: getattr(self, name) for name in USER_FIELDS if name in self.model_fields_set}


class SegmentoCreate(SegmentoBody):
    """A new segment."""

    nombre: Nombre
    descripcion: Descripcion | None = None
    longitud: Longitud
    latitud: Latitud
    ubicacion: Ubicacion | None = None


class SegmentoUpdate(SegmentoBody):
    """A partial update (`PUT` and `PATCH` alike): only the fields sent change.

    `descripcion` and `ubicacion` may be cleared with `null`; the others may be left out but
    not sent as `null` (their defaults are never validated, an explicit `null` is).
    """

    nombre: Nombre = None  # type: ignore[assignment]
    descripcion: Descripcion | None = None
    longitud: Longitud = None  # type: ignore[assignment]
    latitud: Latitud = None  # type: ignore[assignment]
    ubicacion: Ubicacion | None = None


class SegmentoOut(BaseModel):
    """A stored segment, as the API sends it."""

    model_config = ConfigDict(from_attributes=True)

    id_segmento: int
    nombre: str
    descripcion: str | None
    longitud: float
    latitud: float
    ubicacion: str | None
    created_at: str
    updated_at: str
    version: int


class SegmentoNear(SegmentoOut):
    """A segment of a `near` list, with its distance from the point."""

    distance_m: float

    @field_serializer("distance_m")
    def _to_millimetres(self, metres: float) -> float:
        """Sent rounded to the millimetre (half away from zero, as Rust's `round`); more
        digits would be noise. Cursors keep the exact value."""
        scaled = metres * 1000
        whole = math.floor(scaled)
        return (whole + 1 if scaled - whole >= 0.5 else whole) / 1000
