"""Reads and edits the API with OWSLib, as a Python GIS tool would, and prints what it got
as one JSON object for tests/gis-clients.test.mjs to check.

    python owslib_client.py read <landing page URL>
    python owslib_client.py edit <landing page URL>
"""
import json
import sys

from owslib.ogcapi.features import Features

COLLECTION = "segmentos"


def read(url: str) -> None:
    api = Features(url)
    document = api.api()
    items = api.collection_items(COLLECTION, limit=2)
    boxed = api.collection_items(COLLECTION, bbox=[-64.3, -31.5, -64.1, -31.3], limit=100)
    first = items["features"][0]
    print(json.dumps({
        "landing_links": sorted(link["rel"] for link in api.links),
        "openapi": document["openapi"],
        "conformance": api.conformance()["conformsTo"],
        "collections": [collection["id"] for collection in api.collections()["collections"]],
        "feature_collections": api.feature_collections(),
        "collection": api.collection(COLLECTION)["id"],
        "page": {
            "returned": items["numberReturned"],
            "matched": items["numberMatched"],
            "next": [link["href"] for link in items["links"] if link["rel"] == "next"],
        },
        "boxed": sorted(feature["properties"]["nombre"] for feature in boxed["features"]),
        "item": api.collection_item(COLLECTION, str(first["id"])),
        "first": first,
    }))


def edit(url: str) -> None:
    """Creates, replaces and deletes a feature through OWSLib's Part 4 calls (it has no
    PATCH), reading the item back after each; OWSLib returns no id, so the created feature
    is found by its `nombre`."""
    api = Features(url)
    created = api.collection_item_create(COLLECTION, feature("OWSLib nuevo", [-64.2, -31.4], "creado"))
    found = api.collection_items(COLLECTION, nombre="OWSLib nuevo")["features"]
    identifier = str(found[0]["id"])
    # OWSLib sends a dict with `requests.put(json=...)`: JSON, whatever Content-Type it set.
    replaced = api.collection_item_update(COLLECTION, identifier, feature("OWSLib reemplazado", [-58.38, -34.6], None))
    after_replace = api.collection_item(COLLECTION, identifier)
    deleted = api.collection_item_delete(COLLECTION, identifier)
    try:
        api.collection_item(COLLECTION, identifier)
        gone = False
    except RuntimeError:
        gone = True
    print(json.dumps({
        "created": created,
        "found": found,
        "replaced": replaced,
        "after_replace": after_replace,
        "deleted": deleted,
        "gone": gone,
    }))


def feature(nombre: str, coordinates: list, descripcion) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": coordinates},
        "properties": {"nombre": nombre, "descripcion": descripcion, "ubicacion": "OWSLib"},
    }


if __name__ == "__main__":
    {"read": read, "edit": edit}[sys.argv[1]](sys.argv[2])
