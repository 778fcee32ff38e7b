"""`/api/v1/segmentos` and `/api/v1/segmentos/{id}`: list, create, read, update, delete.

Each path is served with and without a trailing slash (the previous server's
`/api/v1/segmentos/`), directly, with no redirect. Endpoints are sync: SQLite calls block,
so FastAPI runs them in its thread pool.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote_plus

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import TypeAdapter
from sqlalchemy import ColumnElement, delete, false, func, insert, select, update
from sqlalchemy.orm import Session

from .. import listing
from ..conditions import WriteConditions, if_none_match_holds, list_etag, segment_etag
from ..db import SessionDep
from ..errors import precondition_failed, segmento_not_found
from ..http import JsonBodyRoute
from ..models import Segmento
from ..paths import COLLECTION, ITEM
from ..schemas import USER_FIELDS, SegmentoCreate, SegmentoId, SegmentoNear, SegmentoOut, SegmentoUpdate

router = APIRouter(route_class=JsonBodyRoute)

# The current instant as RFC 3339 UTC with milliseconds: the table's column default.
NOW = func.strftime("%Y-%m-%dT%H:%M:%fZ", "now")

IfMatch = Annotated[str | None, Header()]
IfNoneMatch = Annotated[str | None, Header()]

_PLAIN_LIST = TypeAdapter(list[SegmentoOut])
_NEAR_LIST = TypeAdapter(list[SegmentoNear])


@router.api_route(COLLECTION, methods=["GET", "HEAD"])
@router.api_route(COLLECTION + "/", methods=["GET", "HEAD"], include_in_schema=False)
def list_segmentos(
    request: Request,
    params: Annotated[listing.ListParams, Query()],
    session: SessionDep,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Filtered, ordered and paged; newest first unless `sort` (or `near`) says otherwise.
    `X-Total-Count` counts every match; when more follow, `Link: <...>; rel="next"` is the
    same query with a keyset `cursor`."""
    page = listing.fetch_page(session, params)
    next_link = None
    if page.more and page.rows:
        next_link = _next_page(request, listing.encode_cursor(page.rows[-1], params.sort))
    adapter = _PLAIN_LIST if params.near is None else _NEAR_LIST
    body = adapter.dump_json(adapter.validate_python(page.rows, from_attributes=True))
    etag = list_etag(body, page.total, next_link)
    if if_none_match_holds(if_none_match, etag):
        return Response(status_code=304, headers={"Vary": "accept", "ETag": etag})
    headers = {"X-Total-Count": str(page.total), "Vary": "accept", "ETag": etag}
    if next_link is not None:
        headers["Link"] = f'<{next_link}>; rel="next"'
    return Response(body, media_type="application/json", headers=headers)


def _next_page(request: Request, cursor: str) -> str:
    """This list's URL with its position replaced by `cursor`: the same filters, order and
    limit. `skip` is dropped, as the cursor already holds the position."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("cursor", "skip")]
    query = "&".join(f"{_form(k)}={_form(v)}" for k, v in [*kept, ("cursor", cursor)])
    return str(request.url.replace(query=query))


def _form(text: str) -> str:
    """HTML form encoding as the WHATWG URL standard writes it (`~` escaped, `*` not)."""
    return quote_plus(text, safe="*").replace("~", "%7E")


@router.post(COLLECTION, status_code=201, response_model=SegmentoOut)
@router.post(COLLECTION + "/", status_code=201, response_model=SegmentoOut, include_in_schema=False)
def create_segmento(payload: SegmentoCreate, session: SessionDep, response: Response) -> Any:
    """One INSERT ... RETURNING: the stored row, with the database's id and timestamps."""
    values = payload.model_dump(include=set(USER_FIELDS))
    segmento = session.scalars(insert(Segmento).values(**values).returning(Segmento)).one()
    session.commit()
    response.headers["Location"] = f"{COLLECTION}/{segmento.id_segmento}"
    response.headers["ETag"] = segment_etag(segmento.id_segmento, segmento.version)
    return segmento


@router.api_route(ITEM, methods=["GET", "HEAD"], response_model=SegmentoOut)
@router.api_route(ITEM + "/", methods=["GET", "HEAD"], response_model=SegmentoOut, include_in_schema=False)
def read_segmento(
    id_segmento: SegmentoId,
    session: SessionDep,
    response: Response,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """The segment, with its strong ETag; `304` when `If-None-Match` names it."""
    segmento = session.get(Segmento, id_segmento)
    if segmento is None:
        raise segmento_not_found(id_segmento)
    etag = segment_etag(segmento.id_segmento, segmento.version)
    if if_none_match_holds(if_none_match, etag):
        return Response(status_code=304, headers={"Vary": "accept", "ETag": etag})
    response.headers["Vary"] = "accept"
    response.headers["ETag"] = etag
    return segmento


@router.api_route(ITEM, methods=["PUT", "PATCH"], response_model=SegmentoOut)
@router.api_route(ITEM + "/", methods=["PUT", "PATCH"], response_model=SegmentoOut, include_in_schema=False)
def update_segmento(
    id_segmento: SegmentoId,
    payload: SegmentoUpdate,
    session: SessionDep,
    response: Response,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Any:
    """`PUT` and `PATCH` alike change only the fields sent (RecWay clients send partial
    bodies to both); `{}` changes nothing. With `If-Match`, only if the segment is still at
    a version it names: the check is part of the UPDATE, so concurrent writers cannot lose
    updates."""
    conditions = WriteConditions.parse(id_segmento, if_match, if_none_match)
    changes = payload.changes()
    if changes:
        statement = (
            update(Segmento)
            .where(Segmento.id_segmento == id_segmento, *_conditions_sql(conditions))
            .values(**changes, updated_at=NOW, version=Segmento.version + 1)
            .returning(Segmento)
            .execution_options(synchronize_session=False)
        )
        segmento = session.scalars(statement).one_or_none()
        if segmento is None:
            raise _refusal(session, id_segmento)
        session.commit()
    else:
        segmento = session.get(Segmento, id_segmento)
        if segmento is None:
            raise segmento_not_found(id_segmento)
        if not conditions.hold_for(segmento.version):
            raise precondition_failed(id_segmento, segmento.version)
    response.headers["ETag"] = segment_etag(segmento.id_segmento, segmento.version)
    return segmento


@router.delete(ITEM, status_code=204)
@router.delete(ITEM + "/", status_code=204, include_in_schema=False)
def delete_segmento(
    id_segmento: SegmentoId,
    session: SessionDep,
    if_match: IfMatch = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """With `If-Match`, only if the segment is still at a version it names."""
    conditions = WriteConditions.parse(id_segmento, if_match, if_none_match)
    statement = (
        delete(Segmento)
        .where(Segmento.id_segmento == id_segmento, *_conditions_sql(conditions))
        .returning(Segmento.id_segmento)
        .execution_options(synchronize_session=False)
    )
    if session.scalar(statement) is None:
        raise _refusal(session, id_segmento)
    session.commit()
    return Response(status_code=204)


def _conditions_sql(conditions: WriteConditions) -> list[ColumnElement[bool]]:
    """The WHERE terms of a conditional write (none for none)."""
    terms: list[ColumnElement[bool]] = []
    # `*`: any current version; that the row exists is the WHERE's own condition.
    if conditions.if_match is not None and not conditions.if_match.any:
        terms.append(Segmento.version.in_(conditions.if_match.listed))
    if conditions.if_none_match is not None:
        if conditions.if_none_match.any:
            terms.append(false())
        else:
            terms.append(Segmento.version.not_in(conditions.if_none_match.listed))
    return terms


def _refusal(session: Session, id_segmento: int) -> Exception:
    """Why a conditional write wrote nothing, read in its transaction: the segment is
    missing, or at a version the conditions refuse."""
    version = session.scalar(select(Segmento.version).where(Segmento.id_segmento == id_segmento))
    if version is None:
        return segmento_not_found(id_segmento)
    return precondition_failed(id_segmento, version)
