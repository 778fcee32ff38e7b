"""The paths the API serves, and the methods each takes."""

from __future__ import annotations

HEALTH = "/health"
COLLECTION = "/api/v1/segmentos"
ITEM = COLLECTION + "/{id_segmento}"

# The methods each path takes, for `Allow` (Starlette's names only those of the first
# route on a path, and each method of a path is a route of its own here).
_HEALTH_METHODS = "GET, HEAD"
_COLLECTION_METHODS = "GET, HEAD, POST"
_ITEM_METHODS = "GET, HEAD, PUT, PATCH, DELETE"


def allowed_methods(path: str) -> str | None:
    """`Allow` for a path the API serves (with or without a trailing slash)."""
    if path != "/" and path.endswith("/"):
        path = path[:-1]
    if path == HEALTH:
        return _HEALTH_METHODS
    if path == COLLECTION:
        return _COLLECTION_METHODS
    item = path.removeprefix(COLLECTION + "/")
    if item != path and item and "/" not in item:
        return _ITEM_METHODS
    return None
