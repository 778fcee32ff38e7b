"""`GET /health`: liveness for uptime monitors, with no I/O behind it."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from ..paths import HEALTH

router = APIRouter()

VERSION = "1.0.0"

_STARTED = time.monotonic()


class Liveness(BaseModel):
    status: str
    # RFC 3339 UTC, milliseconds.
    timestamp: str
    # Seconds since the server started.
    uptime: float
    version: str


# Async: no I/O, so no reason to pay for a hop to the thread pool.
@router.api_route(HEALTH, methods=["GET", "HEAD"])
@router.api_route(HEALTH + "/", methods=["GET", "HEAD"], include_in_schema=False)
async def liveness() -> Liveness:
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return Liveness(
        status="healthy",
        timestamp=now,
        uptime=round(time.monotonic() - _STARTED, 3),
        version=VERSION,
    )
