"""HTTP conditional requests (RFC 9110 §8.8.3 and §13): entity tags and the `If-Match` /
`If-None-Match` conditions that name them.

A segment's tag is made from its id and `version`, so a write checks a client's condition
in SQL, in the statement that changes the row: there is no window between check and write.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from fastapi.exceptions import RequestValidationError

# More tags than any client needs; a bound on what one header makes us hold.
MAX_TAGS = 64

# A header of nothing but these is no header (clients that send `If-Match:` empty mean none).
_BLANK = " \t"


def segment_etag(id_segmento: int, version: int) -> str:
    """The strong entity tag of one version of a segment: `"7.3"`."""
    return f'"{id_segmento}.{version}"'


def list_etag(body: bytes, total: int, next_link: str | None) -> str:
    """The weak entity tag of a list response: a digest of all that can change in it (the
    body, the total count and the next link). MD5 is enough: the tag only has to change
    when the list does."""
    digest = hashlib.md5(f"{total}\n{next_link or ''}\0".encode(), usedforsecurity=False)
    digest.update(body)
    return f'W/"{digest.hexdigest()}"'


class MalformedTags(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Versions:
    """The versions of one segment a condition names: any (`*`), or those listed (possibly
    none: the tags named other segments)."""

    any: bool = False
    listed: tuple[int, ...] = ()

    def contains(self, version: int) -> bool:
        return self.any or version in self.listed


@dataclass(frozen=True, slots=True)
class TagList:
    """An `If-Match` or `If-None-Match` value: `*` (`tags` is None) or entity tags."""

    tags: tuple[str, ...] | None

    @classmethod
    def parse(cls, raw: str) -> TagList:
        """RFC 9110's `"*" / #entity-tag` (empty list elements allowed); only the opaque
        part of each tag is kept, weak or not."""
        rest = raw.strip(_BLANK)
        if rest == "*":
            return cls(None)
        tags: list[str] = []
        while True:
            rest = rest.lstrip(_BLANK + ",")
            if not rest:
                break
            opaque, rest = _entity_tag(rest)
            tags.append(opaque)
            rest = rest.lstrip(_BLANK)
            if rest and not rest.startswith(","):
                raise MalformedTags("expected `*` or a comma list of quoted entity tags")
            if len(tags) > MAX_TAGS:
                raise MalformedTags(f"at most {MAX_TAGS} entity tags are accepted")
        if not tags:
            raise MalformedTags("expected `*` or a comma list of quoted entity tags")
        return cls(tuple(tags))

    def matches_weakly(self, etag: str) -> bool:
        """Weak comparison (RFC 9110 §8.8.3.2), as `If-None-Match` uses."""
        if self.tags is None:
            return True
        current, _ = _entity_tag(etag)
        return current in self.tags

    def versions_of(self, id_segmento: int) -> Versions:
        """The versions of segment `id_segmento` these tags name. A weak tag counts:
        Cloudflare weakens the ETag of a response it compresses."""
        if self.tags is None:
            return Versions(any=True)
        versions = (_version(tag, id_segmento) for tag in self.tags)
        return Versions(listed=tuple(v for v in versions if v is not None))


def _entity_tag(text: str) -> tuple[str, str]:
    """The opaque part of the tag at the start of `text` (`"x"` or `W/"x"`), and the rest."""
    quoted = text[2:] if text.startswith("W/") else text
    if not quoted.startswith('"'):
        raise MalformedTags("expected `*` or a comma list of quoted entity tags")
    end = quoted.find('"', 1)
    opaque = quoted[1:end]
    # etagc: %x21 / %x23-7E / obs-text; no spaces, controls or quotes.
    if end == -1 or not all(c == "!" or "#" <= c <= "~" or c > "\x7f" for c in opaque):
        raise MalformedTags("expected `*` or a comma list of quoted entity tags")
    return opaque, quoted[end + 1 :]


def _version(opaque: str, id_segmento: int) -> int | None:
    """The version in one of `segment_etag`'s tags (or of the API's GeoJSON tags), if it is
    a tag of segment `id_segmento`."""
    tag_id, dot, version = opaque.removesuffix(".geojson").partition(".")
    if not (dot and _digits(tag_id) and _digits(version) and int(tag_id) == id_segmento):
        return None
    return int(version)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def present(header: str | None) -> str | None:
    """A request header the API reads; an empty (or blank) value is no value."""
    return header if header is not None and header.strip(_BLANK) else None


def if_none_match_holds(if_none_match: str | None, etag: str) -> bool:
    """Whether a `GET` may answer `304`. A malformed `If-None-Match` is ignored: the full
    answer is always correct."""
    header = present(if_none_match)
    if header is None:
        return False
    try:
        return TagList.parse(header).matches_weakly(etag)
    except MalformedTags:
        return False


@dataclass(frozen=True, slots=True)
class WriteConditions:
    """What a write requires of the segment's current version (None: not asked)."""

    # `If-Match`: the current version must be one of these.
    if_match: Versions | None = None
    # `If-None-Match`: the current version must be none of these.
    if_none_match: Versions | None = None

    @classmethod
    def parse(cls, id_segmento: int, if_match: str | None, if_none_match: str | None) -> WriteConditions:
        """Both headers of a write to segment `id_segmento`; a malformed one is a `422`."""
        errors = []
        conditions: dict[str, Versions] = {}
        for name, raw in (("if-match", if_match), ("if-none-match", if_none_match)):
            header = present(raw)
            if header is None:
                continue
            try:
                conditions[name.replace("-", "_")] = TagList.parse(header).versions_of(id_segmento)
            except MalformedTags as error:
                errors.append(
                    {
                        "type": "value_error",
                        "loc": ("header", name),
                        "msg": f"Value error, {error}",
                        "input": header,
                        "ctx": {"error": str(error)},
                    }
                )
        if errors:
            raise RequestValidationError(errors)
        return cls(**conditions)

    def hold_for(self, version: int) -> bool:
        """Whether a segment currently at `version` may be written."""
        return (self.if_match is None or self.if_match.contains(version)) and not (
            self.if_none_match is not None and self.if_none_match.contains(version)
        )
