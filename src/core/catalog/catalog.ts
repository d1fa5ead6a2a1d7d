import { type Format, formats, type IcSpec, type Segment, segments } from "../classify/spec.js";
import { ChipGateError } from "../errors.js";

/** A catalog accelerator: its classifier spec plus the provenance a compliance officer needs to see. */
export interface CatalogChip {
  id: string;
  vendor: string;
  name: string;
  variant: string;
  releaseYear: number | null;
  segment: Segment;
  countryOfDesign: string;
  spec: IcSpec;
  /** Scale-up fabric only (NVLink etc.), GB/s bidirectional; the host link is added into spec.interconnectGBs. */
  fabricGBs: number | null;
  hostInterface: string | null;
  memoryGb: number | null;
  memoryType: string | null;
  memoryBandwidthGBs: number | null;
  tdpW: number | null;
  processNode: string | null;
  transistorsBillion: number | null;
  dieAreaBasis: string;
  tppScope: string;
  computeConfidence: string;
  publishedTpp: number | null;
  publishedPd: number | null;
  publishedSource: string | null;
  sources: string[];
  notes: string;
}

type Row = Readonly<Record<string, string>>;

// PCIe x16 bidirectional GB/s by generation (marketing convention), to rebuild the 2022 "all I/O" figure.
const PCIE_X16_BIDIR: Record<string, number> = { "3": 32, "4": 64, "5": 128, "6": 256 };

function hostLinkGBs(host: string): number | null {
  const m = /^PCIe(\d)x(\d+)$/.exec(host.trim());
  if (!m) return null;
  const perX16 = PCIE_X16_BIDIR[m[1]!];
  return perX16 === undefined ? null : (perX16 * Number(m[2])) / 16;
}

/**
 * Builds catalog chips from the rows of chips.csv and chips-annotations.csv (already parsed to objects).
 * Throws CATALOG_DATA_INVALID naming the file, row and column of the first bad value.
 */
export function parseCatalog(chipRows: readonly Row[], annotationRows: readonly Row[]): CatalogChip[] {
  const annotations = new Map(annotationRows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  return chipRows.map((row, index) => {
    const line = index + 2; // header is line 1
    const bad = (file: string, column: string, message: string): never => {
      throw new ChipGateError("CATALOG_DATA_INVALID", `${file} line ${line}, column ${column}: ${message}`, [
        { path: `${file}:${line}:${column}`, message },
      ]);
    };
    const num = (column: string, r: Row = row, file = "chips.csv"): number | null => {
      const text = (r[column] ?? "").trim();
      if (text === "") return null;
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) bad(file, column, `expected a non-negative number, got '${text}'`);
      return n;
    };
    const id = (row.id ?? "").trim();
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) bad("chips.csv", "id", `expected a kebab-case id, got '${id}'`);
    if (seen.has(id)) bad("chips.csv", "id", `duplicate id '${id}'`);
    seen.add(id);
    const segment = row.market_segment as Segment;
    if (!segments.includes(segment))
      bad("chips.csv", "market_segment", `expected one of ${segments.join(", ")}`);
    const ann = annotations.get(id);
    if (!ann) bad("chips-annotations.csv", "id", `no annotation row for '${id}'`);
    const a = ann!;

    const denseTops: Partial<Record<Format, number>> = {};
    for (const f of formats) {
      const v = num(`dense_tops_${f}`);
      if (v !== null) denseTops[f] = v;
    }
    for (const extra of (a.extra_dense_tops ?? "").split(";").filter((s) => s.trim())) {
      const [f, v] = extra.split("=").map((s) => s.trim());
      if (
        !f ||
        !(formats as readonly string[]).includes(f) ||
        v === undefined ||
        !Number.isFinite(Number(v))
      ) {
        bad("chips-annotations.csv", "extra_dense_tops", `expected format=number, got '${extra}'`);
      }
      denseTops[f as Format] = Number(v);
    }

    const fabric = num("interconnect_bidir_gbs");
    const hostInterface = (a.host_interface ?? "").trim() || null;
    const host = hostInterface ? hostLinkGBs(hostInterface) : null;
    // The 2022 test counts all I/O to non-memory ICs, host link included; with an unknown host link the fabric
    // alone is a lower bound, which is enough only when it already reaches the threshold on its own.
    const io =
      fabric !== null && host !== null ? fabric + host : fabric !== null && fabric >= 600 ? fabric : null;

    const spec: IcSpec = {
      name: [row.vendor, row.name, row.variant].filter(Boolean).join(" "),
      segment,
      denseTops,
    };
    const die = num("die_area_mm2");
    if (die !== null) {
      if (die === 0) bad("chips.csv", "die_area_mm2", "die area must be greater than zero");
      spec.dieAreaMm2 = die;
    }
    const bw = num("memory_bandwidth_gbs");
    if (bw !== null) spec.memoryBandwidthGBs = bw;
    if (io !== null) spec.interconnectGBs = io;

    const country = (row.country_of_design ?? "").trim();
    if (!/^[A-Z]{2}$/.test(country))
      bad("chips.csv", "country_of_design", `expected ISO alpha-2, got '${country}'`);
    const year = num("release_year");
    return {
      id,
      vendor: row.vendor ?? "",
      name: row.name ?? "",
      variant: row.variant ?? "",
      releaseYear: year,
      segment,
      countryOfDesign: country,
      spec,
      fabricGBs: fabric,
      hostInterface,
      memoryGb: num("memory_gb"),
      memoryType: row.memory_type?.trim() || null,
      memoryBandwidthGBs: bw,
      tdpW: num("tdp_w"),
      processNode: row.process_node?.trim() || null,
      transistorsBillion: num("transistors_billion"),
      dieAreaBasis: a.die_area_basis?.trim() || "unknown",
      tppScope: a.tpp_scope?.trim() || "whole-chip",
      computeConfidence: a.compute_confidence?.trim() || "unknown",
      publishedTpp: num("published_tpp", a, "chips-annotations.csv"),
      publishedPd: num("published_pd", a, "chips-annotations.csv"),
      publishedSource: a.published_source?.trim() || null,
      sources: (row.source_urls ?? "")
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean),
      notes: row.notes ?? "",
    };
  });
}

/** Case-insensitive search over id, vendor, name and variant; every word must match somewhere. */
export function searchCatalog(chips: readonly CatalogChip[], text: string): CatalogChip[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return chips.filter((c) => {
    const hay = `${c.id} ${c.vendor} ${c.name} ${c.variant}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The chip with this id, or NOT_FOUND naming close ids so a typo is easy to fix. */
export function findChip(chips: readonly CatalogChip[], id: string): CatalogChip {
  const chip = chips.find((c) => c.id === id);
  if (chip) return chip;
  const words = id
    .toLowerCase()
    .split(/[-\s]+/)
    .filter((w) => w.length > 1);
  const close = chips
    .map((c) => ({ id: c.id, score: words.filter((w) => c.id.includes(w)).length }))
    .filter((c) => c.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .map((c) => c.id);
  const hint = close.length
    ? ` Did you mean: ${close.join(", ")}?`
    : " Run `chipgate chips` to list the catalog.";
  throw new ChipGateError("NOT_FOUND", `unknown chip id '${id}'.${hint}`, [
    { path: "chip", message: `unknown chip id '${id}'` },
  ]);
}
