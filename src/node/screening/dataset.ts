import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { ChipGateError } from "../../core/errors.js";
import {
  buildScreeningIndex,
  type CslRecord,
  type ListCode,
  type ScreeningIndex,
} from "../../core/screening/index.js";
import { dataPath } from "../package-info.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE, syncDir, withFileLock } from "../private-files.js";
import { bundledGaps, importedGaps } from "./gaps.js";
import { readCslFile } from "./read-csl.js";

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
}

export interface ScreeningDataset {
  index: ScreeningIndex;
  version: DatasetVersion;
  gaps: string[];
  /** Milliseconds spent building the index. */
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

async function loadFile(
  file: string,
  source: "bundled" | "imported",
  meta: ImportMeta | undefined,
  label?: string,
): Promise<ScreeningDataset> {
  const contents = await readCslFile(file, label === undefined ? {} : { label });
  if (meta && contents.hash !== meta.hash) {
    throw new ChipGateError(
      "SCREENING_DATA_INVALID",
      `${label ?? file}: refusing to load the imported screening list: its sha256 is ${contents.hash.slice(0, 12)}…, but import.json recorded ${meta.hash.slice(0, 12)}… when it was imported, so the file changed since. Import the list again with \`chipgate data import\` (or remove the data directory's screening/ to fall back to the bundled list).`,
      [{ path: "screening list", message: "sha256 differs from the one recorded at import" }],
    );
  }
  const started = performance.now();
  const index = buildScreeningIndex(contents.records);
  const buildMs = performance.now() - started;
  const version: DatasetVersion = {
    hash: contents.hash,
    rowsPerList: contents.rowsPerList,
    snapshotDate: contents.snapshotDate,
    source,
    loadedFrom: file,
  };
  if (meta) {
    version.importedAt = meta.importedAt;
    version.importedFrom = meta.importedFrom;
  }
  const gaps = source === "bundled" ? bundledGaps(version) : importedGaps(version);
  return { index, version, gaps, buildMs };
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
 * list whose bytes no longer hash to what its import recorded is refused, with the reason: it is not the list
 * that was acknowledged.
 */
export async function loadScreeningDataset(options: { dataDir?: string } = {}): Promise<ScreeningDataset> {
  const paths = importedPaths(options.dataDir ?? DEFAULT_DATA_DIR);
  const meta = await readMeta(paths.meta);
  if (meta) {
    const file = meta.file ?? "consolidated.csv";
    return loadFile(join(paths.dir, file), "imported", meta, join("screening", file));
  }
  if (await exists(join(paths.dir, "consolidated.csv"))) {
    throw new ChipGateError(
      "SCREENING_DATA_INVALID",
      `screening/consolidated.csv: refusing to load this screening list: no import.json records its hash, so it cannot be told from a file changed or half-written after an import. Import it with \`chipgate data import\`.`,
      [{ path: "import.json", message: "missing" }],
    );
  }
  return loadFile(bundledListPath(), "bundled", undefined);
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
function duplicateIds(records: readonly CslRecord[]): { id: string; list: ListCode; lines: number[] }[] {
  const first = new Map<string, CslRecord>();
  const duplicates = new Map<string, { id: string; list: ListCode; lines: number[] }>();
  for (const r of records) {
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
        candidate = await loadFile(incoming, "imported", undefined, options.label);
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
  });
}
