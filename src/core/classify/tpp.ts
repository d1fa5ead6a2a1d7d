import type { Format, IcSpec } from "./spec.js";

// Among formats that tie, the one named first in explanations: the tensor formats datasheets headline.
const DISPLAY_ORDER: readonly Format[] = [
  "fp8",
  "fp16",
  "bf16",
  "int8",
  "fp4",
  "fp6",
  "int4",
  "tf32",
  "fp32",
  "fp64",
];

export interface FormatTpp {
  format: Format;
  tops: number;
  bitLength: number;
  tpp: number;
}

export interface TppComputation {
  /** Max over formats of dense TOPS x bit length; null when no throughput was given. */
  tpp: number | null;
  /** Formats reaching the maximum (within 0.1 %, since halving width usually doubles throughput). */
  formats: Format[];
  perFormat: FormatTpp[];
  sparseHalved: boolean;
}

/**
 * TPP = 2 x MacTOPS x bit length = dense datasheet TOPS x bit length, taken at the format giving the highest
 * value (Technical Note to 3A090.a/.b). Sparse figures are halved only when the spec says they are sparse.
 */
export function computeTpp(spec: IcSpec, bitLength: Readonly<Record<string, number>>): TppComputation {
  const sparseHalved = spec.sparse === true;
  const perFormat: FormatTpp[] = [];
  for (const [format, given] of Object.entries(spec.denseTops ?? {}) as [Format, number][]) {
    const bits = bitLength[format];
    if (bits === undefined) throw new Error(`no bit length in rule data for format ${format}`);
    const tops = sparseHalved ? given / 2 : given;
    perFormat.push({ format, tops, bitLength: bits, tpp: tops * bits });
  }
  if (perFormat.length === 0) return { tpp: null, formats: [], perFormat, sparseHalved };
  const tpp = Math.max(...perFormat.map((f) => f.tpp));
  const formats = perFormat
    .filter((f) => f.tpp >= tpp * 0.999)
    .sort((a, b) => b.tpp - a.tpp || DISPLAY_ORDER.indexOf(a.format) - DISPLAY_ORDER.indexOf(b.format))
    .map((f) => f.format);
  return { tpp, formats, perFormat, sparseHalved };
}
