// bench/scale.svg: rows read per request (y) against table size (x), both on log scales, one
// line per request; RecWay solid, the Hono peer dashed in the request's colour. Requests in
// three panels (pages and sorts, filters, writes) so that a panel holds a dozen lines at most.
import { NAMES, escapeXml, fixed, note, svgDocument } from './svg.mjs';

const PANELS = [
  { title: 'Pages, sorts, single reads and metadata', keys: ['get', 'list', 'sort_nombre', 'sort_-nombre', 'sort_created_at', 'sort_updated_at', 'sort_id', 'geojson', 'skip_9900', 'skip_900000', 'cursor', 'ogc_items', 'ogc_collection', 'ogc_collections', 'changes'] },
  { title: 'Filters', keys: ['ubicacion', 'q', 'created_after', 'created_before', 'updated_after', 'updated_before', 'bbox_city', 'bbox_province', 'near_10km', 'near_100km', 'ogc_nombre'] },
  { title: 'Writes', keys: ['create', 'update', 'delete', 'bulk'] },
];
// Tableau's 10 (its yellow and pink darkened, to read as text) and 6 more, distinct on white.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b8930b', '#b07aa1', '#d4658f', '#9c755f', '#79706e',
  '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#17becf'];

const WIDTH = 1000;
const PLOT_LEFT = 70;
const PLOT_WIDTH = 600;
const PLOT_HEIGHT = 300;
const PANEL_GAP = 70;
const LABEL_SPACING = 11;

const log10 = Math.log10;
const decades = (low, high) => Array.from({ length: high - low + 1 }, (_, i) => 10 ** (low + i));
const short = (value) => (value >= 1e6 ? `${value / 1e6}M` : value >= 1e3 ? `${value / 1e3}k` : String(value));

/** Labels at the lines' right ends, moved apart just enough not to overlap. */
function spreadLabels(labels, bottom) {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i += 1) sorted[i].y = Math.max(sorted[i].y, sorted[i - 1].y + LABEL_SPACING);
  // Past the panel's foot: pushed back up from there, keeping the spacing.
  if (sorted.length && sorted.at(-1).y > bottom) {
    sorted.at(-1).y = bottom;
    for (let i = sorted.length - 2; i >= 0; i -= 1) sorted[i].y = Math.min(sorted[i].y, sorted[i + 1].y - LABEL_SPACING);
  }
  return sorted;
}

/**
 * The points (size, rows read) of a request on a server; rows read of 0 drawn at 1. Only
 * answers that succeeded: a refusal (skip 900,000's 422) reads nothing worth drawing.
 */
function series(output, key, server) {
  return output.meta.measuredSizes
    .map((size) => ({ size, result: output.results[size]?.[server]?.[key] }))
    .filter(({ result }) => result?.ok && result.rowsRead)
    .map(({ size, result }) => ({ size, rows: Math.max(1, result.rowsRead.median) }));
}

export function scaleChart(output) {
  const sizes = output.meta.measuredSizes;
  const servers = output.meta.servers.map((server) => server.key);
  const all = PANELS.flatMap((panel) => panel.keys).flatMap((key) => servers.flatMap((s) => series(output, key, s)));
  const maxRows = Math.max(10, ...all.map((point) => point.rows));
  const [xLow, xHigh] = [log10(Math.min(...sizes)) - 0.1, log10(Math.max(...sizes)) + 0.1];
  const yHigh = Math.ceil(log10(maxRows));
  const x = (size) => PLOT_LEFT + ((log10(size) - xLow) / (xHigh - xLow || 1)) * PLOT_WIDTH;
  const height = 60 + PANELS.length * (PLOT_HEIGHT + PANEL_GAP) + 24;
  const parts = [
    `<text x="${PLOT_LEFT}" y="20" font-size="14" font-weight="bold">D1 rows read per request as the table grows (log–log)</text>`,
    `<line x1="${PLOT_LEFT}" y1="36" x2="${PLOT_LEFT + 30}" y2="36" stroke="#333" stroke-width="2"/>`,
    `<text x="${PLOT_LEFT + 36}" y="40">${NAMES.recway}</text>`,
    `<line x1="${PLOT_LEFT + 110}" y1="36" x2="${PLOT_LEFT + 140}" y2="36" stroke="#333" stroke-width="1.5" stroke-dasharray="5,4"/>`,
    `<text x="${PLOT_LEFT + 146}" y="40">${NAMES.hono} (same colour as the request; only where it serves it)</text>`,
  ];
  PANELS.forEach((panel, index) => {
    const top = 60 + index * (PLOT_HEIGHT + PANEL_GAP) + 20;
    const y = (rows) => top + PLOT_HEIGHT - (log10(rows) / yHigh) * PLOT_HEIGHT;
    parts.push(`<text x="${PLOT_LEFT}" y="${top - 8}" font-weight="bold">${panel.title}</text>`);
    for (const rows of decades(0, yHigh)) {
      parts.push(`<line x1="${PLOT_LEFT}" y1="${y(rows)}" x2="${PLOT_LEFT + PLOT_WIDTH}" y2="${y(rows)}" stroke="#e5e5e5"/>`);
      parts.push(`<text x="${PLOT_LEFT - 6}" y="${y(rows) + 4}" text-anchor="end" fill="#555">${short(rows)}</text>`);
    }
    for (const size of sizes) {
      parts.push(`<line x1="${x(size)}" y1="${top}" x2="${x(size)}" y2="${top + PLOT_HEIGHT}" stroke="#e5e5e5"/>`);
      parts.push(`<text x="${x(size)}" y="${top + PLOT_HEIGHT + 14}" text-anchor="middle" fill="#555">${short(size)}</text>`);
    }
    parts.push(`<text x="${PLOT_LEFT + PLOT_WIDTH / 2}" y="${top + PLOT_HEIGHT + 30}" text-anchor="middle" fill="#555">segments in the table</text>`);
    parts.push(`<text x="16" y="${top + PLOT_HEIGHT / 2}" transform="rotate(-90 16 ${top + PLOT_HEIGHT / 2})" text-anchor="middle" fill="#555">rows read</text>`);
    const labels = [];
    panel.keys.forEach((key, keyIndex) => {
      const color = PALETTE[keyIndex % PALETTE.length];
      const label = output.requests.find((request) => request.key === key)?.label ?? key;
      const ends = {};
      for (const server of servers) {
        const points = series(output, key, server);
        if (!points.length) continue;
        const dash = server === 'recway' ? '' : ' stroke-dasharray="5,4"';
        const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.size).toFixed(1)},${y(p.rows).toFixed(1)}`).join(' ');
        parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="${server === 'recway' ? 2 : 1.5}"${dash}/>`);
        for (const p of points) parts.push(`<circle cx="${x(p.size).toFixed(1)}" cy="${y(p.rows).toFixed(1)}" r="2.5" fill="${color}"/>`);
        ends[server] = points.at(-1);
      }
      // One label for both servers when their lines end at the same figure.
      const same = ends.recway && ends.hono && ends.recway.size === ends.hono.size && ends.recway.rows === ends.hono.rows;
      for (const [server, last] of Object.entries(ends)) {
        if (same && server === 'hono') continue;
        const who = same ? ` (${NAMES.hono} alike)` : server === 'recway' ? '' : ` (${NAMES[server]})`;
        labels.push({ fromX: x(last.size), fromY: y(last.rows), y: y(last.rows) + 4, color, text: `${escapeXml(label)}${who}: ${fixed(last.rows, 0)}` });
      }
    });
    // Each label with a thin leader to its line's end: moved apart, a label may sit off it.
    const labelX = PLOT_LEFT + PLOT_WIDTH + 34;
    for (const label of spreadLabels(labels, top + PLOT_HEIGHT + 20)) {
      parts.push(`<line x1="${label.fromX.toFixed(1)}" y1="${label.fromY.toFixed(1)}" x2="${labelX - 3}" y2="${(label.y - 4).toFixed(1)}" stroke="${label.color}" stroke-width="0.5"/>`);
      parts.push(`<text x="${labelX}" y="${label.y.toFixed(1)}" fill="${label.color}">${label.text}</text>`);
    }
  });
  parts.push(note(PLOT_LEFT, height - 22, "Rows read from each answer's Server-Timing, the median of the samples; a request reading 0 rows is drawn at 1, one refused (non-2xx) not at all."));
  parts.push(note(PLOT_LEFT, height - 8, 'Generated by bench/scale.mjs; the figures, and the requests each label stands for, in bench/SCALE.md.'));
  return svgDocument(WIDTH, height, parts);
}
