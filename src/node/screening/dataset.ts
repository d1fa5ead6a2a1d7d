import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { ChipGateError } from "../../core/errors.js";
import { buildScreeningIndex, type ScreeningIndex, type Table } from "../../core/screening/build-index.js";
import type { CslRecord, ListCode } from "../../core/screening/csl.js";
import type { EnrichmentRow, UnjoinedRow } from "../../core/screening/enrichment.js";
import { loadScriptSupport } from "../../core/screening/normalize/support.js";
import { dataPath } from "../package-info.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE, syncDir, withFileLock } from "../private-files.js";
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

/** What `import.json` records beside an imported list; its rename is the moment an import takes effect. */
interface ImportMeta {
  importedAt: string;
  importedFrom: string;
  /** sha256 of the list file; checked when the list is loaded. */
  hash: string;
  /** The list file, relative to the screening directory (lists/<hash>.csv; consolidated.csv before 2026-12). */
  file?: string;
  rowsPerList?: Partial<Record<ListCode, number>>;
}

/** Default largest share of its rows any source list may lose in one import (`--allow-shrink` to exceed). */
export const DEFAULT_MAX_SHRINK = 0.05;

export function bundledListPath(): string {
  return dataPath("screening", "csl-merged.csv");
}

function importedPaths(dataDir: string): { dir: string; meta: string; lock: string } {
  const dir = join(resolve(dataDir), "screening");
  return { dir, meta: join(dir, "import.json"), lock: join(dir, "import.lock") };
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
  /** What the list is called in messages (a file name relative to the data directory, never a server path). */
  label?: string;
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

/**
 * An imported list whose bytes no longer hash to what its import recorded is refused, with the reason: it is
 * not the list that was acknowledged.
 */
function checkRecordedHash(inputs: Inputs, hash: string): void {
  const meta = inputs.importMeta;
  if (!meta || hash === meta.hash) return;
  throw new ChipGateError(
    "SCREENING_DATA_INVALID",
    `${inputs.label ?? inputs.file}: refusing to load the imported screening list: its sha256 is ${hash.slice(0, 12)}…, but import.json recorded ${meta.hash.slice(0, 12)}… when it was imported, so the file changed since. Import the list again with \`chipgate data import\` (or remove the data directory's screening/ to fall back to the bundled list).`,
    [{ path: "screening list", message: "sha256 differs from the one recorded at import" }],
  );
}

/** Parses, validates and indexes a list file and its native names (no cache). */
async function buildFromFiles(inputs: Inputs): Promise<ScreeningDataset> {
  const [contents, enrichment] = await Promise.all([
    readCslFile(inputs.file, inputs.label === undefined ? {} : { label: inputs.label }),
    inputs.enrichmentFile === null ? undefined : readEnrichment(inputs.enrichmentFile),
    loadScriptSupport(),
  ]);
  checkRecordedHash(inputs, contents.hash);
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

async function readMeta(path: string): Promise<ImportMeta | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const meta = JSON.parse(text) as ImportMeta;
    if (typeof meta.hash !== "string" || !/^[0-9a-f]{64}$/.test(meta.hash)) throw new Error("no sha256");
    return meta;
  } catch (error) {
    throw new ChipGateError(
      "SCREENING_DATA_INVALID",
      `screening/import.json: refusing to load the imported screening list: this record of its import is unreadable (${(error as Error).message}). Import the list again with \`chipgate data import\`.`,
      [{ path: "import.json", message: "unreadable" }],
    );
  }
}

/**
 * The list in force: the one imported into `dataDir` if there is one, else the bundled snapshot. An imported
 * list whose bytes no longer hash to what its import recorded is refused. Its index comes from the cache in
 * `<dataDir>/cache/` when that was built from the same list, enrichment and code, and is built (and saved
 * there) otherwise.
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
  const meta = await readMeta(paths.meta);
  if (meta) {
    const file = meta.file ?? "consolidated.csv";
    inputs.file = join(paths.dir, file);
    inputs.source = "imported";
    inputs.importMeta = meta;
    inputs.label = join("screening", file);
  } else if (await exists(join(paths.dir, "consolidated.csv"))) {
    throw new ChipGateError(
      "SCREENING_DATA_INVALID",
      `screening/consolidated.csv: refusing to load this screening list: no import.json records its hash, so it cannot be told from a file changed or half-written after an import. Import it with \`chipgate data import\`.`,
      [{ path: "import.json", message: "missing" }],
    );
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
    checkRecordedHash(inputs, cached.key.list.sha256);
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

/** Rows per source list of the list in force in `dir`, read from its import record when it has them. */
async function rowsInForce(dataDir: string): Promise<Partial<Record<ListCode, number>>> {
  const paths = importedPaths(dataDir);
  const meta = await readMeta(paths.meta);
  if (meta?.rowsPerList) return meta.rowsPerList;
  const file = meta ? join(paths.dir, meta.file ?? "consolidated.csv") : bundledListPath();
  return (await readCslFile(file)).rowsPerList;
}

/** Every `_id` listed twice within one source list (the same `_id` on two lists is normal: SDN and SSI). */
function duplicateIds(records: Table<CslRecord>): { id: string; list: ListCode; lines: number[] }[] {
  const first = new Map<string, CslRecord>();
  const duplicates = new Map<string, { id: string; list: ListCode; lines: number[] }>();
  for (let i = 0; i < records.length; i++) {
    const r = records.at(i)!;
    const key = `${r.list}\u0000${r._id}`;
    const earlier = first.get(key);
    if (!earlier) first.set(key, r);
    else {
      const d = duplicates.get(key) ?? { id: r._id, list: r.list, lines: [earlier.row] };
      d.lines.push(r.row);
      duplicates.set(key, d);
    }
  }
  return [...duplicates.values()];
}

/** The source lists that would lose more than `maxShrink` of their rows, with the counts. */
function shrunkLists(
  before: Partial<Record<ListCode, number>>,
  after: Partial<Record<ListCode, number>>,
  maxShrink: number,
): { list: ListCode; before: number; after: number }[] {
  return (Object.entries(before) as [ListCode, number][])
    .filter(([list, n]) => n > 0 && (after[list] ?? 0) < n * (1 - maxShrink))
    .map(([list, n]) => ({ list, before: n, after: after[list] ?? 0 }));
}

function refused(label: string, message: string, path: string): ChipGateError {
  return new ChipGateError(
    "SCREENING_DATA_INVALID",
    `${label}: ${message}\nNothing was replaced; the previous list stays in force.`,
    [{ path, message }],
  );
}

export interface ImportOptions {
  dataDir?: string;
  /** What the list is called in messages and `importedFrom` (a file name, never a server path). */
  label: string;
  /** Largest share of its rows any source list may lose (default 5 %, `DEFAULT_MAX_SHRINK`). */
  maxShrink?: number;
  /** Put the list in force even if source lists lost more than `maxShrink` of their rows. */
  allowShrink?: boolean;
  /**
   * Called once the list is the one on disk, before the next import may start: a server puts it in force
   * here, so that the list it answers from is always the one a restart would load.
   */
  onCommit?: (dataset: ScreeningDataset) => void;
  /** The native-name file to apply (default: the bundled one); null applies none. */
  enrichmentFile?: string | null;
}

/**
 * Imports a CSL (the official trade.gov consolidated.csv layout) into `dataDir` and makes it the list in force.
 * The one path for every import: the CLI, the HTTP API, and a scheduled download alike.
 *
 * - Imports into one data directory run one at a time (a lock file, so across processes too); each writes its
 *   own temporary file beside the list.
 * - The list is read, validated and indexed completely from that copy. It is refused, with the counts, when a
 *   source list holds an `_id` twice, or when any source list would lose more than `maxShrink` of its rows
 *   compared with the list in force (a truncated download, a one-row file), unless `allowShrink`.
 * - It is then moved to `screening/lists/<sha256>.csv` and `import.json` (its hash, rows and origin) is replaced
 *   by a rename: that rename is the commit, so a crash at any point leaves either the old list or the new one
 *   in force, never a mix, and the hash is checked again at every load.
 *
 * On any failure nothing changes and the previous list stays in force.
 */
export async function importList(
  source: Uint8Array | Readable | AsyncIterable<Uint8Array>,
  options: ImportOptions,
): Promise<ScreeningDataset> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const paths = importedPaths(dataDir);
  await ensurePrivateDir(dataDir);
  await ensurePrivateDir(paths.dir);
  return withFileLock(paths.lock, async () => {
    const incoming = join(paths.dir, `.incoming-${randomUUID()}.csv`);
    try {
      await writePrivate(incoming, source);
      let candidate: ScreeningDataset;
      try {
        candidate = await buildFromFiles({
          file: incoming,
          source: "imported",
          importMeta: undefined,
          label: options.label,
          enrichmentFile:
            options.enrichmentFile === undefined ? bundledEnrichmentPath() : options.enrichmentFile,
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
      const duplicates = duplicateIds(candidate.index.records);
      if (duplicates.length > 0) {
        const d = duplicates[0]!;
        throw refused(
          options.label,
          `${duplicates.length} _id(s) appear more than once within one source list (an _id is unique per list); the first: _id ${JSON.stringify(d.id)} on ${d.list} at lines ${d.lines.join(", ")}`,
          `line ${d.lines[1]}`,
        );
      }
      const maxShrink = options.maxShrink ?? DEFAULT_MAX_SHRINK;
      if (!options.allowShrink) {
        const shrunk = shrunkLists(await rowsInForce(dataDir), candidate.version.rowsPerList, maxShrink);
        if (shrunk.length > 0) {
          const counts = shrunk.map((s) => `${s.list} ${s.before} → ${s.after}`).join(", ");
          throw refused(
            options.label,
            `source lists would lose more than ${maxShrink * 100} % of their rows compared with the list in force (${counts}); a cut or partial file looks like this. If the new list is right, import it with --allow-shrink (API: allowShrink=true).`,
            "rows",
          );
        }
      }
      const file = join("lists", `${candidate.version.hash}.csv`);
      await ensurePrivateDir(join(paths.dir, "lists"));
      await rename(incoming, join(paths.dir, file));
      const meta: ImportMeta = {
        importedAt: new Date().toISOString(),
        importedFrom: options.label,
        hash: candidate.version.hash,
        file,
        rowsPerList: candidate.version.rowsPerList,
      };
      const metaTmp = join(paths.dir, `.import-${randomUUID()}.json`);
      await writePrivate(metaTmp, new TextEncoder().encode(`${JSON.stringify(meta, null, 2)}\n`));
      await rename(metaTmp, paths.meta);
      await syncDir(paths.dir);
      candidate.version.loadedFrom = join(paths.dir, file);
      candidate.version.importedAt = meta.importedAt;
      candidate.version.importedFrom = meta.importedFrom;
      candidate.gaps = importedGaps(candidate.version);
      options.onCommit?.(candidate);
      await removeOldLists(paths.dir, file);
      await keep(candidate, dataDir);
      return candidate;
    } finally {
      await rm(incoming, { force: true });
    }
  });
}

/** Writes `source` to a new file readable by this user only, flushed to disk before it is renamed. */
async function writePrivate(path: string, source: Uint8Array | Readable | AsyncIterable<Uint8Array>) {
  const handle = await open(path, "wx", PRIVATE_FILE_MODE);
  try {
    if (source instanceof Uint8Array) await handle.write(source);
    else for await (const chunk of source) await handle.write(chunk as Uint8Array);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes list files other than the one in force and the one before it (a server may still be reading it). */
async function removeOldLists(dir: string, current: string): Promise<void> {
  const lists = join(dir, "lists");
  const files = (await readdir(lists).catch(() => [] as string[])).filter((f) => f.endsWith(".csv"));
  const dated = await Promise.all(
    files.map(async (f) => ({ f, at: (await stat(join(lists, f)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  const keep = new Set([basename(current)]);
  const previous = dated.filter((d) => !keep.has(d.f)).sort((a, b) => b.at - a.at)[0];
  if (previous) keep.add(previous.f);
  for (const { f } of dated) if (!keep.has(f)) await rm(join(lists, f), { force: true });
  await rm(join(dir, "consolidated.csv"), { force: true });
}

/**
 * Imports the CSL file at `file` (see `importList`): the file is copied into the data directory and the copy is
 * what is validated and put in force, so a file changed meanwhile cannot slip through.
 */
export async function importScreeningList(options: {
  dataDir?: string;
  file: string;
  maxShrink?: number;
  allowShrink?: boolean;
  /** As for `loadScreeningDataset`. */
  enrichmentFile?: string | null;
}): Promise<ScreeningDataset> {
  const file = resolve(options.file);
  if (!(await exists(file))) {
    throw new ChipGateError("SCREENING_DATA_INVALID", `${options.file}: no such file; nothing was replaced`, [
      { path: "file", message: "no such file" },
    ]);
  }
  return importList(createReadStream(file), {
    label: basename(file),
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
    ...(options.maxShrink !== undefined && { maxShrink: options.maxShrink }),
    ...(options.allowShrink !== undefined && { allowShrink: options.allowShrink }),
    ...(options.enrichmentFile !== undefined && { enrichmentFile: options.enrichmentFile }),
  });
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
