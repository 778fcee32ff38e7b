// Reads the D1 figures of a response's Server-Timing header, which RecWay and the Hono peer
// both write:
//
//   d1;dur=<ms>;desc="<k> D1 round trip(s), <r> rows read, <w> rows written", total;dur=<ms>
//
// Builds from before the row counts write only `desc="<k> D1 round trip(s)"`: their rows
// come back as null (not measured), never as 0.

const D1_DESC = /^(\d+) D1 round trips?(?:, (\d+) rows read, (\d+) rows written)?$/;

/** `name;param=value;...` entries, values unquoted (RFC 8941 style, as both servers write). */
function entries(header) {
  const found = new Map();
  // Commas inside a quoted desc must not split it.
  for (const entry of header.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const [name, ...params] = entry.match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g).map((part) => part.trim());
    found.set(name, Object.fromEntries(params.map((param) => {
      const at = param.indexOf('=');
      const value = param.slice(at + 1);
      return [param.slice(0, at), value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value];
    })));
  }
  return found;
}

/**
 * { roundTrips, rowsRead, rowsWritten, d1Ms, totalMs } from the header's value; null when
 * the header or its d1 entry is missing. Throws on a d1 entry of another shape: a figure
 * silently misread would be worse than none.
 */
export function parseServerTiming(header) {
  if (!header) return null;
  const all = entries(header);
  const d1 = all.get('d1');
  if (!d1) return null;
  const match = D1_DESC.exec(d1.desc ?? '');
  if (!match) throw new Error(`unexpected Server-Timing d1 entry: ${header}`);
  const number = (text) => (text === undefined ? null : Number(text));
  return {
    roundTrips: Number(match[1]),
    rowsRead: number(match[2]),
    rowsWritten: number(match[3]),
    d1Ms: number(d1.dur),
    totalMs: number(all.get('total')?.dur),
  };
}
