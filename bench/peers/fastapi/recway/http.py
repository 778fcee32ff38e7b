"""HTTP plumbing every route shares: JSON request bodies (declared type, size bound,
parsing), and what every response carries (request id, security headers, the log line).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import jsonbody
from .paths import HEALTH

# Largest body a single-segment write may carry.
MAX_BODY_BYTES = 64 * 1024

# What a body of nothing else is (Rust's `is_ascii_whitespace`): no body at all.
_BODY_SPACE = b" \t\n\r\x0c"

log = logging.getLogger("recway.requests")


def declares_json(content_type: str | None) -> bool:
    """`application/json` or any `application/*+json`, parameters ignored. A missing type
    is JSON too: the previous server read such bodies as JSON and old clients rely on it."""
    if content_type is None:
        return True
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or (
        essence.startswith("application/") and essence.endswith("+json")
    )


def payload_too_large() -> HTTPException:
    return HTTPException(413, f"Request body is larger than {MAX_BODY_BYTES} bytes")


class JsonBodyRequest(Request):
    """A request whose body is bounded and read as the API reads JSON (see `jsonbody`)."""

    # Top-level names the body may not repeat (its model's `json_unique_keys`).
    unique_keys: frozenset[str] = frozenset()

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            declared = self.headers.get("content-length", "").strip()
            if declared.isascii() and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
                raise payload_too_large()
            # Read chunk by chunk, so that a body sent without a length (chunked) is
            # refused as soon as it passes the limit rather than buffered whole.
            chunks: list[bytes] = []
            size = 0
            async for chunk in self.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise payload_too_large()
                chunks.append(chunk)
            body = b"".join(chunks)
            # Only spaces is no JSON value at all: FastAPI then reports the body missing.
            self._body = body if body.strip(_BODY_SPACE) else b""
        return self._body

    async def json(self) -> Any:
        """The body's JSON value, or a `jsonbody.InvalidJson`, which the body model
        reports (see `schemas.SegmentoBody`)."""
        if not hasattr(self, "_json"):
            self._json = jsonbody.decode(await self.body(), self.unique_keys)
        return self._json


class JsonBodyRoute(APIRoute):
    """A route whose JSON body is read by `JsonBodyRequest`, after a `415` for a body not
    declared as JSON (before anything else about the request, as the API decides it)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        if self.body_field is None:
            return handle
        unique_keys = getattr(self.body_field.field_info.annotation, "json_unique_keys", frozenset())

        async def handle_json_body(request: Request) -> Response:
            if not declares_json(request.headers.get("content-type")):
                raise HTTPException(415, "Unsupported Media Type: send the body as application/json")
            json_request = JsonBodyRequest(request.scope, request.receive)
            json_request.unique_keys = unique_keys
            return await handle(json_request)

        return handle_json_body


# The caller's X-Request-ID when it is safe to echo and log: nothing that could forge a
# log line or a header.
_ACCEPTABLE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")

# OWASP's headers for APIs: responses are data, never documents that may run or embed.
_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]

# Monitors must never see a cached health check, whatever its status.
_NO_STORE_PATHS = frozenset({HEALTH, HEALTH + "/"})


class RequestContextMiddleware:
    """What every response carries (a request id, the security headers) and the one JSON
    log line per request. An unexpected failure is a `500` whose cause is in that line only.
    A plain ASGI middleware: Starlette's BaseHTTPMiddleware costs a task per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        caller_id = next((value for name, value in scope["headers"] if name == b"x-request-id"), None)
        if caller_id is not None and _ACCEPTABLE_REQUEST_ID.fullmatch(caller_id):
            request_id = caller_id.decode()
        else:
            request_id = str(uuid.uuid4())
        added = [(b"x-request-id", request_id.encode()), *_SECURITY_HEADERS]
        if scope["path"] in _NO_STORE_PATHS:
            added.append((b"cache-control", b"no-store"))
        status: int | None = None

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *added]
            await send(message)

        error: str | None = None
        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            if status is not None:
                raise
            error = f"{type(exc).__name__}: {exc}"
            response = JSONResponse({"detail": "Internal Server Error"}, status_code=500)
            await response(scope, receive, send_with_headers)
        finally:
            _log_request(scope, request_id, status or 500, started, error)


def _log_request(scope: Scope, request_id: str, status: int, started: float, error: str | None) -> None:
    entry: dict[str, Any] = {
        "level": "error" if status >= 500 else "warn" if status >= 400 else "info",
        "request_id": request_id,
        "method": scope["method"],
        # As sent, percent-encoding kept.
        "path": scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
        "status": status,
        "duration_ms": int((time.perf_counter() - started) * 1000),
    }
    if error is not None:
        entry["error"] = error
    log.info(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
