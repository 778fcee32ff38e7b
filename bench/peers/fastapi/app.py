"""Benchmark peer: the RecWay v1 segment API on FastAPI + SQLAlchemy + SQLite.

    RECWAY_SQLITE_PATH=<migrated database> python -m uvicorn app:app \
        --app-dir bench/peers/fastapi --host 127.0.0.1 --port 8000 --workers 1
"""

from __future__ import annotations

import logging
import sys

from fastapi import FastAPI

from recway import errors
from recway.http import RequestContextMiddleware
from recway.routes import health, segmentos


def _configure_logging() -> None:
    """One JSON line per request on stdout, from `RequestContextMiddleware`. uvicorn's
    access log would be a second line for the same request, so it is silenced (uvicorn
    configures its loggers before it imports this module)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    requests = logging.getLogger("recway.requests")
    requests.addHandler(handler)
    requests.setLevel(logging.INFO)
    requests.propagate = False
    logging.getLogger("uvicorn.access").disabled = True


def create_app() -> FastAPI:
    app = FastAPI(
        title="RecWay",
        version=health.VERSION,
        # The interactive documentation is not part of this peer.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # `/api/v1/segmentos/` is served as it is, never redirected.
        redirect_slashes=False,
        # A write without a Content-Type is read as JSON, as the previous server did.
        strict_content_type=False,
    )
    app.include_router(health.router)
    app.include_router(segmentos.router)
    errors.install(app)
    app.add_middleware(RequestContextMiddleware)
    return app


_configure_logging()
app = create_app()
