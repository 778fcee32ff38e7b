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

One bound spans two parameters, which a schema cannot say: a list's `skip + limit` is at
most 10,000 (docs/api.md, "Rules"). Valid cases keep within it.
"""

import uuid

# The furthest offset paging reaches (Page::MAX_WINDOW), and the default page.
MAX_WINDOW = 10_000
DEFAULT_LIMIT = 100

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
    headers = case.headers or {}
    valid_headers = _valid(case, ParameterLocation.HEADER)
    for name in list(headers):
        if name.lower() in ("if-match", "if-none-match") and valid_headers:
            del headers[name]
        elif name.lower() == "idempotency-key" and valid_headers:
            suffix = f"-{uuid.uuid4().hex}"
            headers[name] = str(headers[name])[: 255 - len(suffix)] + suffix


def _within_the_window(query):
    """Lowers a valid `skip` so that `skip + limit` stays within MAX_WINDOW."""
    try:
        skip = int(query["skip"])
        limit = int(query.get("limit", DEFAULT_LIMIT))
    except (KeyError, TypeError, ValueError):
        return
    if skip + limit > MAX_WINDOW:
        query["skip"] = max(0, MAX_WINDOW - limit)
