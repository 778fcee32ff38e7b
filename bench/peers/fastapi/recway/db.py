"""The database: one SQLite file, migrated and seeded before the server starts (the app
never creates tables), one engine per process and one Session per request."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

# Seconds a write waits for another writer's lock before failing (SQLite's busy timeout).
BUSY_TIMEOUT_S = 5.0

# One connection per thread of FastAPI's pool for sync endpoints and dependencies (anyio's
# default of 40): QueuePool's default (5, plus 10 it closes after use) would open and
# configure a new connection for most requests under load.
POOL_SIZE = 40


def _database_path() -> Path:
    raw = os.environ.get("RECWAY_SQLITE_PATH")
    if not raw:
        raise RuntimeError("RECWAY_SQLITE_PATH must name the migrated SQLite database file")
    path = Path(raw)
    # SQLite would quietly create an empty database, and every request would then fail.
    if not path.is_file():
        raise RuntimeError(f"RECWAY_SQLITE_PATH: no database file at {path}")
    return path


def _create_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_S},
        pool_size=POOL_SIZE,
        max_overflow=0,
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite (before Python 3.12) begins transactions only before writes, so the
        # count and the page of a list would read two snapshots. SQLAlchemy's recipe: turn
        # that off and emit BEGIN ourselves, below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never block the writer nor it them. NORMAL is durable in WAL except
        # for the last transactions on a power loss, the usual production trade-off.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


engine = _create_engine(_database_path())

# Objects stay readable after commit: the response is built from what the write returned.
SessionLocal = sessionmaker(engine, expire_on_commit=False)


def get_session() -> Iterator[Session]:
    with SessionLocal() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
