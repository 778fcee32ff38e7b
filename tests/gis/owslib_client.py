"""Reads the API with OWSLib, as a Python GIS tool would, and prints what it got as one
JSON object for tests/gis-clients.test.mjs to check.

    python owslib_client.py <landing page URL>
"""
import json
import sys

from owslib.ogcapi.features import Features

COLLECTION = "segmentos"


def main(url: str) -> None:
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


if __name__ == "__main__":
    main(sys.argv[1])
