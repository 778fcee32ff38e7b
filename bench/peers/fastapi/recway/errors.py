"""Error responses: FastAPI's shapes, with the API's wording where FastAPI's own differs
(RecWay clients parse them), and the domain's errors.

`422` entries are `{"type", "loc", "msg", "ctx"?}`: FastAPI adds the `input`, writes a
validator's exception in `ctx` as `{}`, and Pydantic writes a float field's bounds as
floats (`{"le": 180.0}`); the API sends no input, the exception's message, and whole
bounds as integers. It also lists unknown body fields in name order.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .conditions import segment_etag
from .paths import allowed_methods

# Whole numbers below this (exact as doubles) are written as integers, as the API writes
# its bounds (`-180`, not `-180.0`).
_EXACT_INTEGER_LIMIT = 2.0**53


def segmento_not_found(id_segmento: int) -> HTTPException:
    return HTTPException(404, f"Segmento {id_segmento} not found")


def precondition_failed(id_segmento: int, current_version: int) -> HTTPException:
    """`If-Match` / `If-None-Match` do not hold; the current ETag says what does."""
    return HTTPException(
        412,
        "Precondition Failed: the segment is not at the version the request names",
        headers={"ETag": segment_etag(id_segmento, current_version)},
    )


def validation_entries(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's errors, as FastAPI collected them, in the API's shape."""
    entries = []
    for error in errors:
        entry = {"type": error["type"], "loc": list(error["loc"]), "msg": error["msg"]}
        if context := error.get("ctx"):
            entry["ctx"] = {name: _context_value(value) for name, value in context.items()}
        entries.append(entry)
    # Unknown fields in name order, where they stand (Pydantic lists them as sent).
    extra_at = [i for i, entry in enumerate(entries) if entry["type"] == "extra_forbidden"]
    for i, entry in zip(extra_at, sorted((entries[i] for i in extra_at), key=lambda e: e["loc"])):
        entries[i] = entry
    return entries


def _context_value(value: Any) -> Any:
    if isinstance(value, BaseException):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGER_LIMIT:
        return int(value)
    return value


async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": validation_entries(exc.errors())}, status_code=422)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """FastAPI's answer, except for a wrong method: Starlette's `Allow` names the methods of
    the first route on the path, not all of them; and `OPTIONS` is answered with them."""
    allow = allowed_methods(request.url.path) if exc.status_code == 405 else None
    if allow is None:
        return await http_exception_handler(request, exc)
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": allow})
    return JSONResponse({"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": allow})


async def database_busy(_request: Request, exc: OperationalError) -> Response:
    """SQLite's write lock held past the busy timeout: worth retrying, as D1's overload is.
    Any other database failure is a bug or an outage, a `500`."""
    if "database is locked" not in str(exc.orig):
        raise exc
    return JSONResponse(
        {"detail": "Service Unavailable: the database is busy; retry later"},
        status_code=503,
        headers={"Retry-After": "1"},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(OperationalError, database_busy)
