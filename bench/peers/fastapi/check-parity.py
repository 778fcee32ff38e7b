#!/usr/bin/env python3
"""Parity check: sends the same requests to the reference (the Rust worker) and to this peer,
and compares the answers: status, body (parsed JSON, key order included) and the headers the
contract defines. Exits 1 on any difference. Standard library only.

    python3 check-parity.py <reference-base-url> <peer-base-url>

Both servers may already hold data: what this script creates carries a tag unique to the run
(in `ubicacion`, `nombre` and a random spot on the globe), every list it compares is filtered
by it, and ids are compared by creation order, not by value. Timestamps, request ids and list
ETags differ by nature and are compared by shape only.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import re
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

API = "/api/v1/segmentos"
TAG = f"parity-{uuid.uuid4().hex[:8]}"
JSON_TYPE = {"content-type": "application/json"}

# A random spot for this run's segments, away from the poles and the antimeridian.
LON = round(random.uniform(-150, 150), 4)
LAT = round(random.uniform(-50, 50), 4)
FIJI_LAT = round(random.uniform(-20, -10), 6)  # the antimeridian pair's latitude


def at(d_lon: float, d_lat: float) -> dict[str, float]:
    return {"longitud": round(LON + d_lon, 6), "latitud": round(LAT + d_lat, 6)}


def box(d: float) -> str:
    return f"{round(LON - d, 6)},{round(LAT - d, 6)},{round(LON + d, 6)},{round(LAT + d, 6)}"


NEAR = f"{LON},{LAT}"

SEGMENTS = [
    {"nombre": f"Av. Colón {TAG}", "descripcion": "Baches en el carril derecho", **at(0, 0), "ubicacion": TAG},
    {"nombre": f"bv. san juan {TAG}", "descripcion": None, **at(0.004, -0.008), "ubicacion": TAG},
    {"nombre": f"Ruta 20 {TAG}", **at(-0.04, -0.017), "ubicacion": TAG},
    {"nombre": f"100% asfalto_nuevo {TAG}", "descripcion": "ñandú 🚧", **at(0.3, 0.2), "ubicacion": TAG},
    {"nombre": f"Ruta 9 {TAG}", **at(0.0001, 0.0001), "ubicacion": TAG},
    {"nombre": f"Fiji east {TAG}", "longitud": 179.9, "latitud": FIJI_LAT, "ubicacion": TAG},
    {"nombre": f"Fiji west {TAG}", "longitud": -179.9, "latitud": FIJI_LAT, "ubicacion": TAG},
]


@dataclass
class Case:
    name: str
    method: str = "GET"
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: str | bytes | None = None
    # Follow the previous list's `Link: rel="next"` instead of `path`.
    follow: bool = False
    # Send the previous answer's ETag for this path as `If-None-Match`.
    conditional: bool = False
    # Send the body chunked, without a Content-Length.
    chunked: bool = False


def get(name: str, path: str, headers: dict[str, str] | None = None) -> Case:
    return Case(name, "GET", path, headers or {})


def post(name: str, body: str | bytes, headers: dict[str, str] | None = None) -> Case:
    return Case(name, "POST", API, JSON_TYPE if headers is None else headers, body)


def write(name: str, method: str, path: str, body: str, headers: dict[str, str] | None = None) -> Case:
    return Case(name, method, path, {**JSON_TYPE, **(headers or {})}, body)


def listing(query: str) -> str:
    return f"{API}?ubicacion={TAG}&{query}"


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


CASES = [
    get("health", "/health"),
    get("health: trailing slash", "/health/"),
    Case("health: wrong method", "POST", "/health"),
    get("unknown path", "/nope"),
    get("unknown path under an item", f"{API}/1/extra"),
    get("empty id", f"{API}//"),
    Case("collection: OPTIONS", "OPTIONS", API),
    Case("item: OPTIONS", "OPTIONS", f"{API}/1/"),
    Case("collection: wrong method", "DELETE", API),
    Case("item: wrong method", "POST", f"{API}/1"),
    Case("unknown method", "PROPFIND", API),
    *(post(f"create {i}", dumps(segment)) for i, segment in enumerate(SEGMENTS)),
    post("create: server fields ignored, +json type",
         dumps({**SEGMENTS[0], "id_segmento": 5, "version": 9, "created_at": "x", "updated_at": [1]}),
         {"content-type": "application/merge-patch+json; charset=utf-8"}),
    post("create: no content type is JSON",
         dumps({"nombre": f"sin tipo {TAG}", "longitud": 0, "latitud": 0, "ubicacion": f"{TAG}-b"}), {}),
    post("create: trailing slash", dumps({"nombre": f"slash {TAG}", "longitud": 1e-7, "latitud": 0.00001,
                                           "ubicacion": f"{TAG}-b"})),
    post("create: every field wrong",
         dumps({"nombe": "x", "nombre": 42, "descripcion": 5, "longitud": "12.5", "latitud": 91,
                "ubicacion": [], "zz": 1, "é": 2, "a": 3})),
    post("create: missing fields, nulls", dumps({"nombre": None, "descripcion": None, "latitud": -90.5})),
    post("create: booleans are not numbers", dumps({"nombre": "x", "longitud": True, "latitud": False})),
    post("create: blank and too long",
         dumps({"nombre": " " * 201, "descripcion": "é" * 2001, "longitud": -181, "latitud": 0,
                "ubicacion": "ñ" * 201})),
    post("create: lengths count characters",
         dumps({"nombre": "🚧" * 200, "longitud": 180, "latitud": -90, "ubicacion": f"{TAG}-c"})),
    post("create: blank unicode nombre", dumps({"nombre": "\u3000\u00a0\t", "longitud": 0, "latitud": 0})),
    post("create: wrong content type", dumps(SEGMENTS[0]), {"content-type": "text/plain"}),
    post("create: body too large", dumps({**SEGMENTS[0], "descripcion": "x" * 70_000})),
    Case("create: body too large, chunked", "POST", API, JSON_TYPE,
         dumps({**SEGMENTS[0], "descripcion": "x" * 70_000}), chunked=True),
    post("create: empty body", ""),
    post("create: blank body", " \n\t"),
    post("create: null body", "null"),
    post("create: array body", "[1, 2]"),
    post("create: string body", '"hola"'),
    post("json: bad literal on line 2", '{"nombre": "x",\n  "longitud": tru}'),
    post("json: trailing comma", '{"nombre": "x",}'),
    post("json: missing colon", '{"nombre" "x"}'),
    post("json: key not a string", '{nombre: "x"}'),
    post("json: truncated", '{"nombre": "x'),
    post("json: trailing characters", '{"nombre": "x"} y'),
    post("json: bad escape", '{"nombre": "a\\qb"}'),
    post("json: bad unicode escape", '{"nombre": "a\\u00zz"}'),
    post("json: control character", '{"nombre": "a\tb"}'),
    post("json: lone surrogate", '{"nombre": "\\ud800x", "longitud": 0, "latitud": 0}'),
    post("json: NaN", '{"nombre": "x", "longitud": NaN, "latitud": 0}'),
    post("json: number out of range", '{"nombre": "x", "longitud": 1e400, "latitud": 0}'),
    post("json: number out of range in an unknown field", '{"nombre": "x", "extra": [1, {"a": -1e999}]}'),
    post("json: integer out of range", '{"nombre": "x", "latitud": 1' + "0" * 400 + "}"),
    post("json: repeated field", '{"nombre": "a", "longitud": 1, "nombre": "b"}'),
    post("json: repeated field before a syntax error", '{"nombre": 1, "nombre": 2, x}'),
    post("json: nested 128 deep", '{"x": ' + "[" * 127 + "]" * 127 + "}"),
    post("json: nested 127 deep", '{"x": ' + "[" * 126 + "]" * 126 + "}"),
    post("json: repeated unknown field", '{"nombre": "a", "longitud": 1, "latitud": 2, "x": 1, "x": 2}'),
    post("json: bad number", '{"longitud": -x}'),
    post("json: leading zero", '{"longitud": 01}'),
    post("json: invalid UTF-8", b'{"nombre": "ab\xff"}'),
    post("json: invalid UTF-8 after escapes", b'{"nombre": "\\n\xff\\u0041"}'),
    post("json: invalid UTF-8 outside an object", b'"\xc3("'),
    post("json: trailing comma outside an object", '[1, {"a": 1,}]'),
    post("json: newline in a string outside an object", '["a\nb"]'),
    post("json: lone surrogate outside an object", '["\\udc00"]'),
    post("json: unterminated list outside an object", '[1, {"a": [tru'),
    post("json: byte order mark", b"\xef\xbb\xbf{}"),
    get("read", f"{API}/{{id0}}"),
    get("read: trailing slash", f"{API}/{{id0}}/"),
    get("read: If-None-Match current", f"{API}/{{id0}}", {"if-none-match": "{etag0}"}),
    get("read: If-None-Match weak, in a list", f"{API}/{{id0}}", {"if-none-match": '"x", W/{etag0}'}),
    get("read: If-None-Match star", f"{API}/{{id0}}", {"if-none-match": "*"}),
    get("read: If-None-Match stale", f"{API}/{{id0}}", {"if-none-match": '"1.999"'}),
    get("read: If-None-Match malformed is ignored", f"{API}/{{id0}}", {"if-none-match": "nope"}),
    Case("read: HEAD", "HEAD", f"{API}/{{id1}}"),
    get("read: not an integer", f"{API}/abc"),
    get("read: a fraction", f"{API}/1.0"),
    get("read: digit separators", f"{API}/1_0"),
    get("read: beyond 64 bits", f"{API}/99999999999999999999"),
    get("read: beyond safe integers", f"{API}/9007199254740992"),
    get("read: below safe integers", f"{API}/-9007199254740992"),
    get("read: missing", f"{API}/9007199254740991"),
    get("read: spaces around the id", f"{API}/%20{{id0}}"),
    get("list: tagged", listing("")),
    get("list: trailing slash", f"{API}/?ubicacion={TAG}&limit=3"),
    Case("list: HEAD", "HEAD", listing("limit=1")),
    get("list: first page", listing("limit=2")),
    Case("list: next page", follow=True),
    Case("list: page after that", follow=True),
    get("list: count only", listing("limit=0")),
    get("list: skip", listing("skip=2&limit=2")),
    get("list: signs and spaces around integers", listing("skip=%2B1&limit=%202%20")),
    get("list: q folds ASCII case only", f"{API}?q={quote(f'AV. COLÓN {TAG}'.upper())}"),
    get("list: q ascii", f"{API}?q={TAG.upper()}&sort=id_segmento"),
    get("list: q wildcards are literal", f"{API}?q={quote('0% asfalto_')}&ubicacion={TAG}"),
    get("list: unknown parameters ignored", listing("utm_source=mail&limit=2")),
    get("list: sort by nombre then created_at", listing("sort=nombre,-created_at&limit=3")),
    Case("list: sort by nombre, next page", follow=True),
    get("list: sort -nombre, repeated and unknown-to-near fields ignored", listing("sort=-nombre,distance_m,-nombre")),
    get("list: sort by created_at", listing("sort=created_at&limit=4")),
    Case("list: sort by created_at, next page", follow=True),
    get("list: sort by updated_at with spaces", listing("sort=%20-updated_at%20&limit=3")),
    Case("list: sort by updated_at, next page", follow=True),
    get("list: last repeat wins", listing("limit=1&limit=3")),
    get("list: bbox", listing(f"bbox={box(0.05)}")),
    get("list: bbox crossing the antimeridian", listing(f"bbox=179,{FIJI_LAT - 1},-179,{FIJI_LAT + 1}")),
    get("list: bbox south above north",
        listing(f"bbox={round(LON - 1, 6)},{round(LAT + 1, 6)},{round(LON + 1, 6)},{round(LAT - 1, 6)}")),
    get("list: near within 5 km", listing(f"near={NEAR}&radius_m=5000")),
    get("list: near, default radius, one per page", listing(f"near={NEAR}&limit=1")),
    Case("list: near, next page", follow=True),
    Case("list: near, page after that", follow=True),
    get("list: near across the antimeridian", listing(f"near=179.95,{FIJI_LAT}&radius_m=20000")),
    get("list: near sorted by -distance_m", listing(f"near={NEAR}&radius_m=50000&sort=-distance_m&limit=2")),
    Case("list: near sorted by -distance_m, next page", follow=True),
    get("list: near sorted by nombre", listing(f"near={NEAR}&sort=nombre&limit=2")),
    Case("list: near sorted by nombre, next page", follow=True),
    get("list: radius without near is checked, then ignored", listing("radius_m=10")),
    get("list: every parameter wrong",
        f"{API}?limit=1001&skip=-1&bbox=1,2,x,4&near=200,0&radius_m=1000001&sort=name&q={'a' * 201}"),
    get("list: more problems",
        f"{API}?limit=1.5&skip=99999999999999999999&bbox=1,2,3&near=0&radius_m=abc&q=a%00b"),
    get("list: bad latitudes and an empty sort field", f"{API}?bbox=0,-91,1,1&near=0,95&sort=nombre,,id_segmento"),
    get("list: non-finite and separated numbers", f"{API}?radius_m=inf&near=1_0,2&limit=1_0&skip=&bbox=nan,0,1,1"),
    get("list: radius zero and empty values", f"{API}?radius_m=-0&near=&limit="),
    get("list: cursor garbage", listing("cursor=not-a-cursor")),
    get("list: cursor with padding", listing("cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ==")),
    get("list: cursor of another sort", listing("sort=nombre&cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ")),
    get("list: cursor of this sort", listing("cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ")),
    get("list: cursor values of the wrong type", listing("cursor=eyJrIjpbIngiXSwicyI6Ii1pZF9zZWdtZW50byJ9")),
    get("list: cursor with a fractional id", listing("cursor=eyJrIjpbMS4wXSwicyI6Ii1pZF9zZWdtZW50byJ9")),
    get("list: cursor with an invalid near", f"{API}?near=999,0&cursor=eyJrIjpbMV0sInMiOiItaWRfc2VnbWVudG8ifQ"),
    get("list: cursor with an invalid sort", f"{API}?sort=zzz&cursor=nonsense"),
    Case("list: If-None-Match with its own ETag", "GET", listing("limit=2"), conditional=True),
    write("update: PUT one field", "PUT", f"{API}/{{id1}}", dumps({"descripcion": "Bache reparado"})),
    write("update: PATCH clears a field", "PATCH", f"{API}/{{id1}}", dumps({"ubicacion": None, "latitud": 10})),
    write("update: empty patch changes nothing", "PATCH", f"{API}/{{id1}}", "{}"),
    write("update: server fields ignored", "PATCH", f"{API}/{{id1}}/", dumps({"version": 99, "id_segmento": 1})),
    write("update: nulls where values are required", "PUT", f"{API}/{{id1}}",
          dumps({"nombre": None, "longitud": None, "latitud": None, "descripcion": None})),
    write("update: If-Match current", "PATCH", f"{API}/{{id2}}", dumps({"nombre": f"Ruta 20 bis {TAG}"}),
          {"if-match": "{etag2}"}),
    write("update: If-Match stale", "PUT", f"{API}/{{id2}}", dumps({"nombre": "x"}), {"if-match": '"{id2}.1"'}),
    write("update: If-Match weak, in a list", "PUT", f"{API}/{{id2}}", dumps({"latitud": 1}),
          {"if-match": 'W/"{id2}.2", "9.9"'}),
    write("update: If-Match star", "PUT", f"{API}/{{id2}}", dumps({"longitud": 1}), {"if-match": "*"}),
    write("update: If-Match blank is no condition", "PUT", f"{API}/{{id2}}", dumps({"longitud": 1.5}),
          {"if-match": " "}),
    write("update: If-None-Match star", "PUT", f"{API}/{{id2}}", dumps({"longitud": 2}), {"if-none-match": "*"}),
    write("update: If-None-Match of another version", "PUT", f"{API}/{{id2}}", dumps({"longitud": 3}),
          {"if-none-match": '"{id2}.1"'}),
    write("update: empty patch with a stale If-Match", "PATCH", f"{API}/{{id2}}", "{}", {"if-match": '"{id2}.1"'}),
    write("update: malformed conditions", "PUT", f"{API}/{{id2}}", "{}",
          {"if-match": "abc", "if-none-match": '"a" "b"'}),
    write("update: bad id and bad body together", "PATCH", f"{API}/x1",
          dumps({"nombre": None, "longitud": 500, "foo": 1})),
    write("update: bad id and unreadable body", "PATCH", f"{API}/x1", '{"nombre": }'),
    write("update: bad id and missing body", "PUT", f"{API}/x1", ""),
    write("update: bad id and wrong content type", "PATCH", f"{API}/x1", "{}", {"content-type": "text/csv"}),
    write("update: missing", "PUT", f"{API}/9007199254740991", dumps({"nombre": "x"})),
    write("update: missing with If-Match", "PUT", f"{API}/9007199254740991", dumps({"nombre": "x"}),
          {"if-match": "*"}),
    get("read: after updates", f"{API}/{{id1}}"),
    Case("delete: If-Match stale", "DELETE", f"{API}/{{id6}}", {"if-match": '"{id6}.7"'}),
    Case("delete: If-None-Match current", "DELETE", f"{API}/{{id6}}", {"if-none-match": "{etag6}"}),
    Case("delete: malformed If-Match", "DELETE", f"{API}/{{id6}}", {"if-match": "W/x"}),
    Case("delete", "DELETE", f"{API}/{{id6}}", {"if-match": "{etag6}"}),
    Case("delete: again", "DELETE", f"{API}/{{id6}}"),
    Case("delete: bad id", "DELETE", f"{API}/1.5"),
    get("list: after the delete", listing("sort=id_segmento")),
    get("request id: a valid one is echoed", "/health", {"x-request-id": "abc-123_X.y"}),
    get("request id: an unsafe one is replaced", "/nope", {"x-request-id": "a b"}),
    get("request id: a long one is replaced", "/nope", {"x-request-id": "a" * 129}),
]

_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
_COMPARED_HEADERS = (
    "content-type", "allow", "location", "etag", "vary", "cache-control", "retry-after",
    "x-total-count", "link", "x-content-type-options", "x-frame-options", "referrer-policy",
    "strict-transport-security", "content-security-policy", "x-request-id",
)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    raw: bytes


class Server:
    """One server, and what it gave back so far: ids by creation order, ETags, the last Link."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.ids: list[int] = []
        self.etags: dict[int, str] = {}
        self.link: str | None = None
        self.list_etags: dict[str, str] = {}

    def fill(self, template: str) -> str:
        template = re.sub(r"\{id(\d+)\}", lambda m: str(self.ids[int(m[1])]), template)
        return re.sub(r"\{etag(\d+)\}", lambda m: self.etags[self.ids[int(m[1])]], template)

    def send(self, case: Case) -> Answer | str:
        if case.follow:
            if self.link is None:
                return "no Link to follow"
            url = self.link
        else:
            url = self.base + self.fill(case.path)
        # count=exact: the reference counts a filtered list only when asked; the peer counts every list.
        headers = {"prefer": "count=exact", **{name: self.fill(value) for name, value in case.headers.items()}}
        if case.conditional:
            headers["if-none-match"] = self.list_etags.get(_path_of(url), '"none"')
        body = self.fill(case.body).encode() if isinstance(case.body, str) else case.body
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if case.chunked and body is not None:
                connection.request(case.method, target, body=iter([body]), headers=headers, encode_chunked=True)
            else:
                connection.request(case.method, target, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, raw)
        finally:
            connection.close()
        self._learn(case, url, answer)
        return answer

    def _learn(self, case: Case, url: str, answer: Answer) -> None:
        body = _json(answer.raw)
        if case.method == "POST" and answer.status == 201:
            self.ids.append(body["id_segmento"])
        etag = answer.headers.get("etag")
        if isinstance(body, dict) and "id_segmento" in body and etag:
            self.etags[body["id_segmento"]] = etag
        if isinstance(body, list):
            match = re.fullmatch(r'<([^>]+)>; rel="next"', answer.headers.get("link", ""))
            self.link = match[1] if match else None
            if etag:
                self.list_etags[_path_of(url)] = etag

    def id_token(self, value: Any) -> Any:
        return f"#{self.ids.index(value)}" if value in self.ids else value

    def normalize(self, answer: Answer | str) -> Any:
        """What must match, with run-specific values replaced by their shape."""
        if isinstance(answer, str):
            return {"missing": answer}
        headers = {name: answer.headers.get(name) for name in _COMPARED_HEADERS}
        if headers["location"]:
            headers["location"] = re.sub(r"\d+$", lambda m: str(self.id_token(int(m[0]))), headers["location"])
        if headers["etag"]:
            headers["etag"] = self._etag(headers["etag"])
        if headers["vary"]:
            # The peer ignores Prefer, so it does not vary on it.
            headers["vary"] = re.sub(r",\s*prefer\b", "", headers["vary"].lower())
        if headers["link"]:
            headers["link"] = self._link(headers["link"])
        if headers["x-request-id"] and _UUID4.fullmatch(headers["x-request-id"]):
            headers["x-request-id"] = "<uuid v4>"
        return {"status": answer.status, "body": self._value(_json(answer.raw, ordered=True)), "headers": headers}

    def _value(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, list):
            # Objects are kept as lists of pairs, so that key order counts.
            if all(isinstance(item, tuple) for item in value) and value:
                return [(k, self._value(v, k)) for k, v in value]
            return [self._value(item) for item in value]
        if key == "id_segmento":
            return self.id_token(value)
        if key in ("created_at", "updated_at", "timestamp") and isinstance(value, str):
            return "<RFC 3339 ms>" if _INSTANT.fullmatch(value) else value
        if key == "uptime":
            return "<seconds>" if isinstance(value, (int, float)) and value >= 0 else value
        if key == "detail" and isinstance(value, str):
            return re.sub(r"^Segmento (\d+) not found$", lambda m: f"Segmento {self.id_token(int(m[1]))} not found", value)
        return value

    def _etag(self, etag: str) -> str:
        if etag.startswith('W/"'):
            return "<weak list tag>" if re.fullmatch(r'W/"[0-9a-f]+"', etag) else etag
        return re.sub(r'^"(\d+)\.', lambda m: f'"{self.id_token(int(m[1]))}.', etag)

    def _link(self, link: str) -> Any:
        """The next link as a path and query, its cursor decoded with ids and times normalized."""
        match = re.fullmatch(r'<([^>]+)>; rel="next"', link)
        if match is None:
            return link
        parts = urlsplit(match[1])
        kept, cursor = [], None
        for pair in parts.query.split("&"):
            if pair.startswith("cursor="):
                cursor = pair.removeprefix("cursor=")
            else:
                kept.append(pair)
        if cursor is None:
            return {"path": parts.path, "query": kept}
        token = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        fields = [name.lstrip("-") for name in token["s"].split(",")]
        keys = [self._value(value, name) for value, name in zip(token["k"], fields)]
        return {"path": parts.path, "query": kept, "cursor": {"s": token["s"], "k": keys}}


def _json(raw: bytes, ordered: bool = False) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw, object_pairs_hook=list if ordered else None)
    except ValueError:
        return f"(not JSON) {raw[:200]!r}"


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: python3 check-parity.py <reference-base-url> <peer-base-url>", file=sys.stderr)
        return 2
    reference, peer = Server(sys.argv[1]), Server(sys.argv[2])
    failures = 0
    for case in CASES:
        expected = reference.normalize(reference.send(case))
        actual = peer.normalize(peer.send(case))
        if expected == actual:
            print(f"ok   {case.name}")
            continue
        failures += 1
        print(f"FAIL {case.name}")
        for part in ("missing", "status", "body"):
            if expected.get(part) != actual.get(part):
                print(f"  {part}\n    reference: {expected.get(part)!r}\n    peer:      {actual.get(part)!r}")
        for name in _COMPARED_HEADERS:
            want = expected.get("headers", {}).get(name)
            got = actual.get("headers", {}).get(name)
            if want != got:
                print(f"  {name}\n    reference: {want!r}\n    peer:      {got!r}")
    print(f"\n{len(CASES) - failures} of {len(CASES)} requests answered alike (run tag {TAG})")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
