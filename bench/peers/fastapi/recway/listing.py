"""The segment list: its query parameters (a Pydantic model, so that FastAPI reports every
bad one at once), its order and keyset cursors, and its two SQL statements.

    SELECT count(*) FROM <matches> [WHERE distance_m <= :radius]
    SELECT ... FROM <matches> [WHERE <within radius> AND <after cursor>]
      ORDER BY <sort> LIMIT :limit + 1 OFFSET :skip

`<matches>` is the table filtered by `q`, `ubicacion`, `bbox`, and for `near` the circle's
bounding box, with each row's distance; SQLite flattens it, so the filters and the order
reach the indexes of migrations/0002_index_segment_listing.sql.
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainValidator,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticKnownError, from_json, to_json
from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased, with_expression

from . import geo
from .models import Segmento
from .schemas import MAX_SAFE_INTEGER, parse_integer

# Longest `q`, in characters: as long as the longest `nombre` or `ubicacion`.
Q_MAX_CHARS = 200

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

SORT_FIELDS = ("id_segmento", "nombre", "created_at", "updated_at", "distance_m")

# ASCII letters only: the search folds ASCII case, as SQLite's lower() does.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True, slots=True)
class Sort:
    """A total order: the requested fields, then `id_segmento` to break ties, so that
    every row has a unique position a cursor can point at."""

    keys: tuple[SortKey, ...]

    @property
    def canonical(self) -> str:
        """`-created_at,-id_segmento`: what a cursor is bound to."""
        return ",".join(("-" if key.descending else "") + key.field for key in self.keys)


NEWEST_FIRST = Sort((SortKey("id_segmento", descending=True),))


def _with_tie_break(keys: list[SortKey]) -> Sort:
    """Appends `id_segmento` unless present, in the direction of the last key (so the
    index on that key, which ends in the rowid, serves the whole order)."""
    if all(key.field != "id_segmento" for key in keys):
        keys.append(SortKey("id_segmento", keys[-1].descending))
    return Sort(tuple(keys))


NEAREST_FIRST = _with_tie_break([SortKey("distance_m", descending=False)])


@dataclass(frozen=True, slots=True)
class SortRequest:
    """`sort` as sent, and whether `near` was sent (valid or not), which gives it meaning."""

    raw: str | None
    near: bool


def parse_sort(request: SortRequest) -> Sort:
    if request.raw is None:
        return NEAREST_FIRST if request.near else NEWEST_FIRST
    keys: list[SortKey] = []
    for item in (part.strip() for part in request.raw.split(",")):
        descending = item.startswith("-")
        name = item[1:] if descending else item
        if name not in SORT_FIELDS:
            raise ValueError(
                f"unknown sort field '{item}': use id_segmento, nombre, created_at, updated_at "
                "(or distance_m with near), each optionally prefixed with '-'"
            )
        # Without `near` there is no distance, and a field listed again is already in the
        # order: both are ignored, so that every list of fields has a meaning.
        if (name == "distance_m" and not request.near) or any(k.field == name for k in keys):
            continue
        keys.append(SortKey(name, descending))
    if not keys:
        return parse_sort(SortRequest(None, request.near))
    return _with_tie_break(keys)


def _accepts(field: str, value: Any) -> bool:
    """Whether a cursor value has the type of its sort field (JSON integers within 64 bits,
    strings, finite numbers)."""
    is_integer = isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    if field == "id_segmento":
        return is_integer
    if field == "distance_m":
        return is_integer or (isinstance(value, float) and math.isfinite(value))
    return isinstance(value, str)


def encode_cursor(segmento: Segmento, sort: Sort) -> str:
    """The cursor pointing just after `segmento` in `sort` order: the sort-key values of
    that row (the exact distance, not the rounded one sent), bound to the order."""
    values = [getattr(segmento, key.field) for key in sort.keys]
    # Members in name order, as the Rust API writes them: the same rows give the same cursor.
    token = to_json({"k": values, "s": sort.canonical})
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where the previous page ended: its last row's sort-key values."""

    values: tuple[Any, ...]


def decode_cursor(raw: str, sort: Sort) -> Cursor:
    """The position of a cursor made for `sort`."""
    text = raw.strip()
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        # Only the unpadded, canonical encoding the API makes.
        if base64.urlsafe_b64encode(data).rstrip(b"=").decode() != text:
            raise ValueError(text)
        token = from_json(data, allow_inf_nan=False)
    except (binascii.Error, ValueError):
        raise _invalid_cursor("it is not one this API made") from None
    if not (isinstance(token, dict) and isinstance(token.get("s"), str) and isinstance(token.get("k"), list)):
        raise _invalid_cursor("it is not one this API made")
    if token["s"] != sort.canonical:
        raise _invalid_cursor("it belongs to a different sort")
    values = token["k"]
    fits = len(values) == len(sort.keys) and all(
        _accepts(key.field, value) for key, value in zip(sort.keys, values)
    )
    if not fits:
        raise _invalid_cursor("it is not one this API made")
    return Cursor(tuple(values))


def _invalid_cursor(why: str) -> ValueError:
    return ValueError(f'invalid cursor ({why}); use the rel="next" link of the previous page')


def _search_text(q: str | None) -> str | None:
    """`q` as the text to find, in ASCII lower case."""
    if q is None:
        return None
    # SQLite reads text as C strings: "a\0b" would search for "a".
    if "\0" in q:
        raise ValueError("q must not contain a NUL character")
    if len(q) > Q_MAX_CHARS:
        raise PydanticKnownError("string_too_long", {"max_length": Q_MAX_CHARS})
    return q.translate(_ASCII_LOWER)


def _cursor_of_sort(raw: str, info: ValidationInfo) -> Cursor | None:
    """A cursor's values; unchecked (and unused) when the order itself is invalid."""
    sort = info.data.get("sort")
    return None if sort is None else decode_cursor(raw, sort)


def _radius(raw: str) -> float:
    radius = geo.finite(raw)
    if radius is None:
        raise PydanticKnownError("float_parsing")
    if radius <= 0:
        raise PydanticKnownError("greater_than", {"gt": 0})
    if radius > geo.MAX_RADIUS_M:
        raise PydanticKnownError("less_than_equal", {"le": int(geo.MAX_RADIUS_M)})
    return radius


class ListParams(BaseModel):
    """The query string of `GET /api/v1/segmentos`. Unknown parameters are ignored and a
    repeated one counts once, with its last value, as FastAPI reads query strings.
    Fields are in the order their problems are listed."""

    q: Annotated[str | None, AfterValidator(_search_text)] = None
    ubicacion: str | None = None
    bbox: Annotated[geo.GeoBox | None, PlainValidator(geo.parse_box)] = None
    near: Annotated[geo.Point | None, PlainValidator(geo.parse_point)] = None
    # Checked even without `near` (where it is ignored).
    radius_m: Annotated[float | None, PlainValidator(_radius)] = None
    sort: Annotated[Sort, PlainValidator(parse_sort)] = NEWEST_FIRST
    # Decoded, and checked against the order when that is valid.
    cursor: Annotated[Cursor | None, PlainValidator(_cursor_of_sort)] = None
    skip: Annotated[int, BeforeValidator(parse_integer), Field(ge=0, le=MAX_SAFE_INTEGER)] = 0
    limit: Annotated[int, BeforeValidator(parse_integer), Field(ge=0, le=MAX_LIMIT)] = DEFAULT_LIMIT

    @model_validator(mode="before")
    @classmethod
    def _sort_with_near(cls, data: Any) -> Any:
        """The order depends on whether `near` was sent, even an invalid one (a cursor is
        then checked against the nearest-first order), so it is read with the raw query."""
        if isinstance(data, dict):
            data = {**data, "sort": SortRequest(data.get("sort"), "near" in data)}
        return data


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Segmento]
    # How many segments match the filters, over all pages.
    total: int
    # Whether rows follow this page.
    more: bool


def fetch_page(session: Session, params: ListParams) -> Page:
    """Counts the matches and reads one page of them, in one transaction (one snapshot)."""
    conditions: list[ColumnElement[bool]] = []
    if params.q is not None:
        # instr, not LIKE: no wildcards to escape, and no limit on the pattern's length.
        conditions.append(
            or_(
                *(func.instr(func.lower(column), params.q) > 0
                  for column in (Segmento.nombre, Segmento.descripcion, Segmento.ubicacion))
            )
        )
    if params.ubicacion is not None:
        conditions.append(Segmento.ubicacion == params.ubicacion)
    if params.bbox is not None:
        conditions.extend(_inside(params.bbox))

    if params.near is None:
        columns = {name: getattr(Segmento, name) for name in SORT_FIELDS if name != "distance_m"}
        count = select(func.count()).select_from(Segmento).where(*conditions)
        page = select(Segmento).where(*conditions)
    else:
        radius_m = params.radius_m if params.radius_m is not None else geo.MAX_RADIUS_M
        # Only the rows inside the circle's bounding box are measured (an index range).
        conditions.extend(_inside(geo.bounding_box(params.near, radius_m)))
        matches = (
            select(Segmento, _distance_from(params.near).label("distance_m"))
            .where(*conditions)
            .subquery()
        )
        within = matches.c.distance_m <= radius_m
        columns = {name: matches.c[name] for name in SORT_FIELDS}
        count = select(func.count()).select_from(matches).where(within)
        listed = aliased(Segmento, matches)
        page = (
            select(listed)
            .options(with_expression(listed.distance_m, matches.c.distance_m))
            .where(within)
        )

    if params.cursor is not None:
        page = page.where(_after_cursor(columns, params.sort, params.cursor.values))
    order = [columns[key.field].desc() if key.descending else columns[key.field].asc()
             for key in params.sort.keys]
    # One row more than the page, to learn whether another page follows.
    page = page.order_by(*order).limit(params.limit + 1).offset(params.skip)

    total = session.scalar(count) or 0
    rows = list(session.scalars(page))
    return Page(rows=rows[: params.limit], total=total, more=len(rows) > params.limit)


def _inside(box: geo.GeoBox) -> list[ColumnElement[bool]]:
    """A position inside `box`; a crossing box takes both sides of the antimeridian, a box
    spanning every longitude needs no longitude condition."""
    conditions = [Segmento.latitud.between(box.min_lat, box.max_lat)]
    if box.min_lon > -180.0 or box.max_lon < 180.0:
        if box.crosses_antimeridian:
            conditions.append(or_(Segmento.longitud >= box.min_lon, Segmento.longitud <= box.max_lon))
        else:
            conditions.append(Segmento.longitud.between(box.min_lon, box.max_lon))
    return conditions


def _distance_from(center: geo.Point) -> ColumnElement[float]:
    """The haversine distance in metres from `center`, in SQL (SQLite's math functions)."""
    half_dlat = func.sin(func.radians(Segmento.latitud - center.lat) / 2.0)
    half_dlon = func.sin(func.radians(Segmento.longitud - center.lon) / 2.0)
    a = func.pow(half_dlat, 2) + func.cos(func.radians(center.lat)) * func.cos(
        func.radians(Segmento.latitud)
    ) * func.pow(half_dlon, 2)
    return literal(2) * literal(geo.EARTH_RADIUS_M) * func.asin(func.min(1, func.sqrt(a)))


def _after_cursor(columns: dict[str, Any], sort: Sort, values: tuple[Any, ...]) -> ColumnElement[bool]:
    """Rows strictly after the cursor in `sort` order (keyset paging):
    `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2) OR ...)`, `<` for descending keys.
    The leading bound alone is a range an index on `k1` can seek to."""
    def beyond(key: SortKey, value: Any, inclusive: bool = False) -> ColumnElement[bool]:
        column = columns[key.field]
        if key.descending:
            return column <= value if inclusive else column < value
        return column >= value if inclusive else column > value

    alternatives = [
        and_(*(columns[k.field] == v for k, v in zip(sort.keys[:i], values[:i])),
             beyond(key, value))
        for i, (key, value) in enumerate(zip(sort.keys, values))
    ]
    return and_(beyond(sort.keys[0], values[0], inclusive=True), or_(*alternatives))
