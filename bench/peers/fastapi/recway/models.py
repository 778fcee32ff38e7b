"""The ORM mapping of the existing `segmentos` table (migrations/*.sql of the repository,
which also hold its CHECKs and indexes)."""

from __future__ import annotations

from sqlalchemy import FetchedValue
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression


class Base(DeclarativeBase):
    pass


class Segmento(Base):
    __tablename__ = "segmentos"

    id_segmento: Mapped[int] = mapped_column(primary_key=True)
    nombre: Mapped[str]
    descripcion: Mapped[str | None]
    longitud: Mapped[float]
    latitud: Mapped[float]
    ubicacion: Mapped[str | None]
    # RFC 3339 UTC with milliseconds, set by the database (column defaults, and updates).
    created_at: Mapped[str] = mapped_column(server_default=FetchedValue())
    updated_at: Mapped[str] = mapped_column(server_default=FetchedValue())
    # 1 when created, one more after each update; the ETag is made from it.
    version: Mapped[int] = mapped_column(server_default=FetchedValue())

    # Metres from the point of a `near` list; loaded only by that query (with_expression).
    distance_m: Mapped[float | None] = query_expression()
