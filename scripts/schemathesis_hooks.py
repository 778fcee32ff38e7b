"""Schemathesis hooks for RecWay Edge (loaded by scripts/schemathesis.sh).

Two values cannot be generated from a schema, because their validity depends on what the
server said before, not on their shape. Only cases meant to be valid are changed; cases
meant to be invalid are sent as generated and must still be refused.

- `cursor` is an opaque position the server issued (the `rel="next"` link), and so is the
  changes feed's `since` (its `next`, signed). An invented one is rightly a 422, so valid
  cases do not invent one.
- `If-Match` / `If-None-Match` name entity tags the server issued. A well-formed but
  invented tag rightly fails the precondition (412), so valid cases send none.
- `Idempotency-Key` reused with a different body is rightly a 422 (the IETF draft says
  so), and generated keys are short and collide across unrelated cases. Real clients send
  a fresh key per request, so valid cases get a unique one.

Two bounds are ones a schema cannot say, and valid cases keep within them:
- a list's `skip + limit` is at most 10,000 (docs/api.md, "Rules"): it spans two
  parameters;
- a GeoJSON position is `[longitude, latitude]`, and OGC's `bbox` is
  `minLon,minLat,[minHeight,]maxLon,maxLat[,maxHeight]`, each number with its own range:
  OpenAPI 3.0 (the OGC document's) has one schema for every item of an array.
"""

import math
import uuid

# The furthest offset paging reaches (Page::MAX_WINDOW), and the default page.
MAX_WINDOW = 10_000
DEFAULT_LIMIT = 100
# The range of each coordinate of a position, in order (segments::fields' LONGITUD, LATITUD),
# and of each number of a `bbox` of four or of six (heights: any number).
POSITION_BOUNDS = [180.0, 90.0]
BBOX_BOUNDS = {4: [180.0, 90.0] * 2, 6: [180.0, 90.0, math.inf] * 2}

import schemathesis
from schemathesis import GenerationMode


def _valid(case, location):
    meta = case.meta
    if meta is None:
        return True
    component = meta.components.get(location)
    mode = component.mode if component is not None else meta.generation.mode
    return mode == GenerationMode.POSITIVE


@schemathesis.hook
def before_call(context, case, kwargs):
    from schemathesis.core.parameters import ParameterLocation

    if case.query and _valid(case, ParameterLocation.QUERY):
        for name in ("cursor", "since"):
            case.query.pop(name, None)
        _within_the_window(case.query)
        if "bbox" in case.query:
            case.query["bbox"] = _folded_bbox(case.query["bbox"])
    headers = case.headers or {}
    valid_headers = _valid(case, ParameterLocation.HEADER)
    for name in list(headers):
        if name.lower() in ("if-match", "if-none-match") and valid_headers:
            del headers[name]
        elif name.lower() == "idempotency-key" and valid_headers:
            suffix = f"-{uuid.uuid4().hex}"
            headers[name] = str(headers[name])[: 255 - len(suffix)] + suffix
    if isinstance(case.body, dict) and _valid(case, ParameterLocation.BODY):
        _within_the_globe(case.body)


def _within_the_window(query):
    """Lowers a valid `skip` so that `skip + limit` stays within MAX_WINDOW."""
    try:
        skip = int(query["skip"])
        limit = int(query.get("limit", DEFAULT_LIMIT))
    except (KeyError, TypeError, ValueError):
        return
    if skip + limit > MAX_WINDOW:
        query["skip"] = max(0, MAX_WINDOW - limit)


def _within_the_globe(feature):
    """Folds a valid Feature's position into each coordinate's range."""
    geometry = feature.get("geometry")
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if isinstance(coordinates, list):
        _fold(coordinates, POSITION_BOUNDS)


def _folded_bbox(bbox):
    """A valid `bbox` (a list, or the comma text a phase may have made of it) with each
    number within its range."""
    if isinstance(bbox, str):
        try:
            numbers = [float(part) for part in bbox.split(",")]
        except ValueError:
            return bbox
        _fold(numbers, BBOX_BOUNDS.get(len(numbers), []))
        return ",".join(repr(number) for number in numbers)
    if isinstance(bbox, list):
        _fold(bbox, BBOX_BOUNDS.get(len(bbox), []))
    return bbox


def _fold(numbers, bounds):
    """Folds each number into its bound, in place (what is not a number is left as it is)."""
    for index, bound in enumerate(bounds[: len(numbers)]):
        value = numbers[index]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > bound:
            numbers[index] = math.fmod(value, bound)
