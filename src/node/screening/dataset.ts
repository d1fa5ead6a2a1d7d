import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { ChipGateError } from "../../core/errors.js";
import { buildScreeningIndex, type ScreeningIndex } from "../../core/screening/build-index.js";
import type { ListCode } from "../../core/screening/csl.js";
import type { EnrichmentRow, UnjoinedRow } from "../../core/screening/enrichment.js";
import { loadScriptSupport } from "../../core/screening/normalize/support.js";
import { dataPath } from "../package-info.js";
import { bundledGaps, importedGaps } from "./gaps.js";
import {
  engineHash,
  type IndexCacheKey,
  indexCachePath,
  inputFile,
  readIndexCache,
  writeIndexCache,
} from "./index-cache.js";
import { readCslFile } from "./read-csl.js";
import { bundledEnrichmentPath, readEnrichmentFile } from "./read-enrichment.js";

export const DEFAULT_DATA_DIR = "./chipgate-data";

export interface DatasetVersion {
  /** sha256 of the loaded CSV file. */
  hash: string;
  rowsPerList: Partial<Record<ListCode, number>>;
  snapshotDate: string | undefined;
  source: "bundled" | "imported";
  loadedFrom: string;
  /** When `chipgate data import` stored the file (imported lists only). */
  importedAt?: string;
  /** The file name given to `data import`. */
  importedFrom?: string;
  /** The native-script names applied to the list (data/screening/enrichment/), or null without any. */
  enrichment: EnrichmentVersion | null;
}

export interface EnrichmentVersion {
  /** sha256 of the enrichment file. */
  hash: string;
  file: string;
  rows: number;
  verifiedRows: number;
  /** Rows that joined a record of the list in force, and how many records they joined. */
  joinedRows: number;
  joinedRecords: number;
  /** Rows that joined no record (a list entry renamed or removed), with the reason. */
  unjoinedRows: number;
}

/** What happened to the index cache of the data directory on this load (see index-cache.ts). */
export interface IndexCacheStatus {
  path: string;
  /**
   * `loaded`: the index came from the cache; `written`: it was built and saved; `off`: not used; `unwritable`:
   * built, but could not be saved (`reason` says why).
   */
  status: "loaded" | "written" | "off" | "unwritable";
  /** Why the cache was not loaded (missing, stale, corrupt) or not written. */
  reason?: string;
}

export interface ScreeningDataset {
  index: ScreeningIndex;
  version: DatasetVersion;
  gaps: string[];
  /** Milliseconds spent building the index (when it was built, or when the cached index was). */
  buildMs: number;
  cache: IndexCacheStatus;
}

export interface LoadOptions {
  dataDir?: string;
  /** Use and keep the index cache in `<dataDir>/cache/` (default true). */
  cache?: boolean;
  /**
   * `all` (default) loads the Chinese and transliteration libraries now, so any name can be screened
   * synchronously; `lazy` leaves that to the caller (`loadScriptSupport(name)` before screening a name).
   */
  scripts?: "all" | "lazy";
  /** The native-name file to apply (default: the bundled one); null applies none. */
  enrichmentFile?: string | null;
}

/** What the cache keeps beside the index, to describe the list without reading it. */
interface CachedMeta {
  rowsPerList: Partial<Record<ListCode, number>>;
  snapshotDate: string | null;
  buildMs: number;
}

interface ImportMeta {
  importedAt: string;
  importedFrom: string;
  hash: string;
}

export function bundledListPath(): string {
  return dataPath("screening", "csl-merged.csv");
}

function importedPaths(dataDir: string): { dir: string; csv: string; meta: string } {
  const dir = join(resolve(dataDir), "screening");
  return { dir, csv: join(dir, "consolidated.csv"), meta: join(dir, "import.json") };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Where the list in force and its native names are, and how they were imported. */
interface Inputs {
  file: string;
  source: "bundled" | "imported";
  importMeta: ImportMeta | undefined;
  enrichmentFile: string | null;
}

function datasetOf(
  index: ScreeningIndex,
  inputs: Inputs,
  facts: { hash: string; rowsPerList: Partial<Record<ListCode, number>>; snapshotDate: string | undefined },
  enrichmentHash: string | undefined,
  buildMs: number,
  cache: IndexCacheStatus,
): ScreeningDataset {
  const { file, source, importMeta } = inputs;
  const e = index.enrichment;
  const version: DatasetVersion = {
    hash: facts.hash,
    rowsPerList: facts.rowsPerList,
    snapshotDate: facts.snapshotDate,
    source,
    loadedFrom: file,
    enrichment:
      inputs.enrichmentFile === null || enrichmentHash === undefined
        ? null
        : {
            hash: enrichmentHash,
            file: inputs.enrichmentFile,
            rows: e.rows.length,
            verifiedRows: e.rows.filter((r) => r.evidence === "verified").length,
            joinedRows: e.joinedRows,
            joinedRecords: e.joinedRecords,
            unjoinedRows: e.unjoined.length,
          },
  };
  if (importMeta) {
    version.importedAt = importMeta.importedAt;
    version.importedFrom = importMeta.importedFrom;
  }
  const gaps = source === "bundled" ? bundledGaps(version) : importedGaps(version);
  return { index, version, gaps, buildMs, cache };
}

/** Parses, validates and indexes a list file and its native names (no cache). */
async function buildFromFiles(inputs: Inputs): Promise<ScreeningDataset> {
  const [contents, enrichment] = await Promise.all([
    readCslFile(inputs.file),
    inputs.enrichmentFile === null ? undefined : readEnrichment(inputs.enrichmentFile),
    loadScriptSupport(),
  ]);
  const started = performance.now();
  const index = buildScreeningIndex(contents.records, enrichment?.rows ?? []);
  const buildMs = performance.now() - started;
  return datasetOf(index, inputs, contents, enrichment?.hash, buildMs, { path: "", status: "off" });
}

async function readEnrichment(file: string): Promise<{ rows: EnrichmentRow[]; hash: string }> {
  const [rows, input] = await Promise.all([readEnrichmentFile(file), inputFile(file)]);
  return { rows, hash: input.sha256 };
}

/** Saves a dataset's index in the cache of `dataDir`; a failure to write is reported, not thrown. */
async function keep(dataset: ScreeningDataset, dataDir: string, reason?: string): Promise<void> {
  const path = indexCachePath(resolve(dataDir));
  const meta: CachedMeta = {
    rowsPerList: dataset.version.rowsPerList,
    snapshotDate: dataset.version.snapshotDate ?? null,
    buildMs: Math.round(dataset.buildMs),
  };
  try {
    const list = await inputFile(dataset.version.loadedFrom);
    const e = dataset.version.enrichment;
    const enrichment = e ? await inputFile(e.file) : undefined;
    // An input changed while it was indexed: keep nothing rather than an index under the wrong key.
    if (list.sha256 !== dataset.version.hash || enrichment?.sha256 !== e?.hash) {
      throw new Error("the list or its enrichment changed while it was indexed");
    }
    const key: IndexCacheKey = { list, enrichment, engine: await engineHash() };
    await writeIndexCache(path, key, meta, dataset.index);
    dataset.cache = { path, status: "written", ...(reason !== undefined && { reason }) };
  } catch (e) {
    dataset.cache = { path, status: "unwritable", reason: (e as Error).message };
  }
}

/**
 * The list in force: the one imported into `dataDir` if there is one, else the bundled snapshot. Its index
 * comes from the cache in `<dataDir>/cache/` when that was built from the same list, enrichment and code,
 * and is built (and saved there) otherwise.
 */
export async function loadScreeningDataset(options: LoadOptions = {}): Promise<ScreeningDataset> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const paths = importedPaths(dataDir);
  const inputs: Inputs = {
    file: bundledListPath(),
    source: "bundled",
    importMeta: undefined,
    enrichmentFile: options.enrichmentFile === undefined ? bundledEnrichmentPath() : options.enrichmentFile,
  };
  if (await exists(paths.csv)) {
    inputs.file = paths.csv;
    inputs.source = "imported";
    try {
      inputs.importMeta = JSON.parse(await readFile(paths.meta, "utf8")) as ImportMeta;
    } catch {
      inputs.importMeta = undefined;
    }
  }
  const scripts = options.scripts === "lazy" ? undefined : loadScriptSupport();
  if (options.cache === false) {
    await scripts;
    return buildFromFiles(inputs);
  }
  const path = indexCachePath(resolve(dataDir));
  const engine = await engineHash();
  const enrichmentFile = inputs.enrichmentFile;
  const cached = await readIndexCache<CachedMeta>(path, async (stored) => {
    if (stored.engine !== engine || (stored.enrichment === undefined) !== (enrichmentFile === null))
      return false;
    if ((await inputFile(inputs.file, stored.list)).sha256 !== stored.list.sha256) return false;
    return (
      enrichmentFile === null ||
      (await inputFile(enrichmentFile, stored.enrichment)).sha256 === stored.enrichment!.sha256
    );
  });
  if (cached.status === "loaded") {
    await scripts;
    const facts = {
      hash: cached.key.list.sha256,
      rowsPerList: cached.meta.rowsPerList,
      snapshotDate: cached.meta.snapshotDate ?? undefined,
    };
    return datasetOf(cached.index, inputs, facts, cached.key.enrichment?.sha256, cached.meta.buildMs, {
      path,
      status: "loaded",
    });
  }
  await scripts;
  const dataset = await buildFromFiles(inputs);
  await keep(dataset, dataDir, `${cached.status}: ${cached.reason}`);
  return dataset;
}

/**
 * Imports an official consolidated.csv into `dataDir`. The new file is parsed, validated and indexed
 * completely first; only then is it copied beside the old one and renamed over it (atomic on one file
 * system). Any failure leaves the previous list in place and in force.
 */
export async function importScreeningList(options: {
  dataDir?: string;
  file: string;
  /** As for `loadScreeningDataset`. */
  enrichmentFile?: string | null;
}): Promise<ScreeningDataset> {
  const paths = importedPaths(options.dataDir ?? DEFAULT_DATA_DIR);
  const file = resolve(options.file);
  if (!(await exists(file))) {
    throw new ChipGateError("SCREENING_DATA_INVALID", `${options.file}: no such file; nothing was replaced`, [
      { path: "file", message: "no such file" },
    ]);
  }
  let candidate: ScreeningDataset;
  try {
    candidate = await buildFromFiles({
      file,
      source: "imported",
      importMeta: undefined,
      enrichmentFile: options.enrichmentFile === undefined ? bundledEnrichmentPath() : options.enrichmentFile,
    });
  } catch (e) {
    if (e instanceof ChipGateError) {
      throw new ChipGateError(
        e.code,
        `${e.message}\nNothing was replaced; the previous list stays in force.`,
        e.issues,
      );
    }
    throw e;
  }
  await mkdir(paths.dir, { recursive: true });
  const tmpCsv = `${paths.csv}.tmp-${process.pid}`;
  const tmpMeta = `${paths.meta}.tmp-${process.pid}`;
  const meta: ImportMeta = {
    importedAt: new Date().toISOString(),
    importedFrom: basename(file),
    hash: candidate.version.hash,
  };
  try {
    await copyFile(file, tmpCsv);
    // Re-hash the copy: the source could have changed between validation and copy.
    const copied = await readCslFile(tmpCsv);
    if (copied.hash !== candidate.version.hash) {
      throw new ChipGateError(
        "SCREENING_DATA_INVALID",
        `${options.file}: the file changed while it was imported`,
      );
    }
    await writeFile(tmpMeta, `${JSON.stringify(meta, null, 2)}\n`);
    await rename(tmpCsv, paths.csv);
    await rename(tmpMeta, paths.meta);
  } catch (e) {
    await rm(tmpCsv, { force: true });
    await rm(tmpMeta, { force: true });
    throw e;
  }
  candidate.version.loadedFrom = paths.csv;
  candidate.version.importedAt = meta.importedAt;
  candidate.version.importedFrom = meta.importedFrom;
  candidate.gaps = importedGaps(candidate.version);
  await keep(candidate, options.dataDir ?? DEFAULT_DATA_DIR);
  return candidate;
}

/**
 * What `data info` says of the native-name enrichment: its version, how many rows joined the list in force,
 * and every row that did not (a list entry renamed or removed since the row was written), with the reason.
 */
export function enrichmentInfo(
  dataset: ScreeningDataset,
): (EnrichmentVersion & { unjoined: UnjoinedRow[] }) | null {
  const e = dataset.version.enrichment;
  if (!e) return null;
  return { ...e, unjoined: [...dataset.index.enrichment.unjoined] };
}
