// What the benchmarks' charts share (bench/results.svg, bench/scale.svg): each server's
// colour and short name, number formatting, and the SVG document with its legend and notes.
export const COLORS = { recway: '#f6821f', hono: '#3178c6', fastapi: '#05998b' };
export const NAMES = { recway: 'RecWay', hono: 'Hono', fastapi: 'FastAPI' };

export const fixed = (value, digits) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const escapeXml = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A white SVG document of `width` × `height` around `parts` (lines of SVG). */
export function svgDocument(width, height, parts) {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
  ].join('\n') + '\n';
}

/** A legend entry: a colour swatch and its label, at the top of a chart. */
export const legendEntry = (x, y, color, label) => [
  `<rect x="${x}" y="${y}" width="12" height="12" fill="${color}"/>`,
  `<text x="${x + 18}" y="${y + 10}">${label}</text>`,
];

/** A grey line of explanation (how to read the chart, where it came from). */
export const note = (x, y, text) => `<text x="${x}" y="${y}" fill="#555">${text}</text>`;
