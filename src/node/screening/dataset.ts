import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { ChipGateError } from "../../core/errors.js";
import { buildScreeningIndex, type ListCode, type ScreeningIndex } from "../../core/screening/index.js";
import { dataPath } from "../package-info.js";
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

async function loadFile(
  file: string,
  source: "bundled" | "imported",
  meta: ImportMeta | undefined,
): Promise<ScreeningDataset> {
  const contents = await readCslFile(file);
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

/**
 * The list in force: the one imported into `dataDir` if there is one, else the bundled snapshot.
 */
export async function loadScreeningDataset(options: { dataDir?: string } = {}): Promise<ScreeningDataset> {
  const paths = importedPaths(options.dataDir ?? DEFAULT_DATA_DIR);
  if (await exists(paths.csv)) {
    let meta: ImportMeta | undefined;
    try {
      meta = JSON.parse(await readFile(paths.meta, "utf8")) as ImportMeta;
    } catch {
      meta = undefined;
    }
    return loadFile(paths.csv, "imported", meta);
  }
  return loadFile(bundledListPath(), "bundled", undefined);
}

/**
 * Imports an official consolidated.csv into `dataDir`. The new file is parsed, validated and indexed
 * completely first; only then is it copied beside the old one and renamed over it (atomic on one file
 * system). Any failure leaves the previous list in place and in force.
 */
export async function importScreeningList(options: {
  dataDir?: string;
  file: string;
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
    candidate = await loadFile(file, "imported", undefined);
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
  return candidate;
}
