"""Loads the segments as a layer in QGIS, headless, through its OGC API Features (OAPIF)
provider, and prints what QGIS sees: an optional check, not in CI (Debian's python3-qgis
is about 900 MiB). With a worker running (`npm start`):

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 scripts/qgis-check.py http://127.0.0.1:8787

Exits non-zero when QGIS cannot load the layer or reads no feature.
"""
import sys

from qgis.core import QgsApplication, QgsDataSourceUri, QgsVectorLayer, QgsWkbTypes


def main(base: str) -> int:
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    try:
        uri = QgsDataSourceUri()
        uri.setParam("url", base)
        uri.setParam("typename", "segmentos")
        layer = QgsVectorLayer(uri.uri(False), "segmentos", "OAPIF")
        if not layer.isValid():
            print(f"QGIS could not load the layer: {layer.error().summary()}", file=sys.stderr)
            return 1
        read = sum(1 for _ in layer.getFeatures())
        layer.updateExtents()
        print(f"layer: {layer.name()}, {QgsWkbTypes.displayString(layer.wkbType())}")
        print(f"features: {read} read, {layer.featureCount()} reported")
        print(f"extent: {layer.extent().toString()}")
        print(f"fields: {', '.join(field.name() for field in layer.fields())}")
        # The layer must go before the application, or QGIS 3.22 crashes on the way out.
        del layer
        return 0 if read else 1
    finally:
        app.exitQgis()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
