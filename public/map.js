// The segment map at /map: the segments in the current view, from the GeoJSON listing,
// drawn over the configured base map or, without one, on the plain background of map.css.
(function () {
  'use strict';

  const SEGMENTS = '/api/v1/segmentos';
  const PAGE_SIZE = 1000; // the API's largest page
  const MAX_PAGES = 10; // per view: more points than this would not be readable anyway

  const container = document.getElementById('map');
  // Without tiles no layer sets a zoom limit, and fitting a one-point box would zoom forever.
  const map = L.map(container, { maxZoom: 19 });

  const tileUrl = container.dataset.tileUrl;
  if (tileUrl) {
    // The attribution is operator configuration, not user data: Leaflet renders it as
    // HTML so that it may hold a link.
    L.tileLayer(tileUrl, { attribution: container.dataset.tileAttribution, maxZoom: 19 }).addTo(map);
  }

  const status = L.control({ position: 'bottomleft' });
  status.onAdd = () => {
    const box = L.DomUtil.create('div', 'map-status');
    box.id = 'map-status';
    box.setAttribute('role', 'status');
    return box;
  };
  status.addTo(map);

  function showStatus(state, text) {
    const box = status.getContainer();
    box.dataset.state = state;
    box.textContent = text;
  }

  let layer = L.layerGroup().addTo(map); // the markers
  let loading = null; // the AbortController of the latest load
  // One popup for every marker rather than one bound to each: reloading the view replaces
  // the markers, which would close a bound popup, and opening a popup pans the map to fit
  // it, which reloads the view.
  const popup = L.popup();

  /** `?bbox=minLon,minLat,maxLon,maxLat` of the page URL as Leaflet bounds, if valid. */
  function requestedBounds() {
    const raw = new URLSearchParams(window.location.search).get('bbox');
    const numbers = raw === null ? [] : raw.split(',').map(Number);
    if (numbers.length !== 4 || !numbers.every(Number.isFinite)) return null;
    const [minLon, minLat, maxLon, maxLat] = numbers;
    // A box across the antimeridian continues east past 180; otherwise Leaflet would fit
    // the rest of the world between the two longitudes instead.
    return L.latLngBounds([minLat, minLon], [maxLat, minLon > maxLon ? maxLon + 360 : maxLon]);
  }

  const mod360 = (degrees) => ((degrees % 360) + 360) % 360;
  const clampLatitude = (lat) => Math.min(90, Math.max(-90, lat));

  /** The view as the API's `bbox`. Leaflet's longitudes grow past ±180 as one pans round. */
  function viewBox() {
    const bounds = map.getBounds();
    const south = clampLatitude(bounds.getSouth());
    const north = clampLatitude(bounds.getNorth());
    if (bounds.getEast() - bounds.getWest() >= 360) return [-180, south, 180, north];
    // West into [-180, 180), east into (-180, 180]: a view across the antimeridian then
    // has west > east, which the API reads as a box across it.
    const west = mod360(bounds.getWest() + 180) - 180;
    const east = 180 - mod360(180 - bounds.getEast());
    return [west, south, east, north];
  }

  /**
   * Every feature of the listing at `url`, following its `next` links, by segment id, up to
   * MAX_PAGES pages; `more` when features were left. A view's list is filtered by its box, so
   * it has no `numberMatched` (counting every match costs what it reads).
   */
  async function fetchFeatures(url, signal) {
    const features = new Map(); // by id: a segment added meanwhile may shift one to the next page
    let pageUrl = new URL(url, window.location.href);
    for (let page = 0; pageUrl && page < MAX_PAGES; page += 1) {
      const response = await fetch(pageUrl, { signal });
      if (!response.ok) throw new Error(`GET ${pageUrl}: HTTP ${response.status}`);
      const collection = await response.json();
      if (collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
        throw new Error(`GET ${pageUrl}: not a GeoJSON FeatureCollection`);
      }
      for (const feature of collection.features) features.set(feature.id, feature);
      const next = (collection.links || []).find((link) => link.rel === 'next');
      pageUrl = next && new URL(next.href, pageUrl);
    }
    return { features: [...features.values()], more: Boolean(pageUrl) };
  }

  /** The popup of one segment. Its fields are user input: text nodes only, never HTML. */
  function popupContent(properties, lon, lat) {
    const box = document.createElement('div');
    box.className = 'segment-popup';
    const add = (tag, text, className = '') => {
      const line = document.createElement(tag);
      line.className = className;
      line.textContent = text;
      box.append(line);
    };
    add('strong', properties.nombre);
    if (properties.descripcion) add('p', properties.descripcion);
    if (properties.ubicacion) add('p', `Ubicación: ${properties.ubicacion}`);
    add('p', `lat ${lat}, lon ${lon}`, 'coordinates');
    return box;
  }

  function segmentMarker(feature, centreLon) {
    const [lon, lat] = feature.geometry.coordinates;
    // Draw the point in the world copy under the view's centre: in a view across the
    // antimeridian, Leaflet's longitudes run past 180 (or below -180) on one side.
    const position = L.latLng(lat, lon + 360 * Math.round((centreLon - lon) / 360));
    return L.circleMarker(position, {
      className: 'segment-marker',
      radius: 7,
      color: '#ffffff',
      weight: 2,
      fillColor: '#c0392b',
      fillOpacity: 0.9,
    }).on('click', () => {
      popup.setLatLng(position).setContent(popupContent(feature.properties, lon, lat)).openOn(map);
    });
  }

  /** Replaces the markers with one per feature. */
  function draw(features) {
    const centreLon = map.getCenter().lng;
    map.removeLayer(layer);
    layer = L.layerGroup(features.map((feature) => segmentMarker(feature, centreLon))).addTo(map);
  }

  function summary(shown, more) {
    const noun = shown === 1 ? 'segmento' : 'segmentos';
    return more ? `los ${shown} ${noun} más recientes; hay más en la vista` : `${shown} ${noun}`;
  }

  async function refresh() {
    loading?.abort(); // its view is gone
    const controller = (loading = new AbortController());
    showStatus('loading', 'Cargando segmentos…');
    const query = new URLSearchParams({ format: 'geojson', bbox: viewBox().join(','), limit: PAGE_SIZE });
    try {
      const { features, more } = await fetchFeatures(`${SEGMENTS}?${query}`, controller.signal);
      if (controller.signal.aborted) return;
      draw(features);
      showStatus('ready', summary(features.length, more));
    } catch (error) {
      if (controller.signal.aborted) return;
      console.error(error);
      showStatus('error', 'No se pudieron cargar los segmentos');
    }
  }

  const bounds = requestedBounds();
  if (bounds) map.fitBounds(bounds);
  else map.setView([0, 0], 2);
  map.on('moveend', refresh);
  refresh();
})();
