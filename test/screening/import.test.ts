/**
 * Imports that cannot lose the list: the hash recorded at import is checked at every load, files are private,
 * an import lock left by a dead process does not block the next import.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChipGateError } from "../../src/core/errors.js";
import { importList, importScreeningList, loadScreeningDataset } from "../../src/node/screening/index.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "screening");
const excerpt = join(fixtures, "csl-2022-excerpt.csv");
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "chipgate-import-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ChipGateError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof ChipGateError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("importList", () => {
  it("records the list's hash and refuses to load a list whose bytes changed since, saying so", async () => {
    const imported = await importScreeningList({ dataDir, file: excerpt, allowShrink: true });
    const meta = JSON.parse(await readFile(join(dataDir, "screening", "import.json"), "utf8")) as {
      hash: string;
      file: string;
      rowsPerList: Record<string, number>;
    };
    expect(meta.hash).toBe(imported.version.hash);
    expect(meta.rowsPerList).toEqual({ EL: 3, ISN: 1, DPL: 1, SDN: 15 });
    const file = join(dataDir, "screening", meta.file);
    await writeFile(file, `${await readFile(file, "utf8")}\n`);
    const e = await rejection(loadScreeningDataset({ dataDir }));
    expect(e.code).toBe("SCREENING_DATA_INVALID");
    expect(e.message).toMatch(
      /refusing to load the imported screening list: its sha256 is .* but import\.json recorded/,
    );
    expect(e.message).not.toContain(dataDir);
  });

  it("refuses a list left without its import record rather than guessing", async () => {
    await importScreeningList({ dataDir, file: excerpt, allowShrink: true });
    await rm(join(dataDir, "screening", "import.json"));
    await writeFile(join(dataDir, "screening", "consolidated.csv"), await readFile(excerpt));
    expect((await rejection(loadScreeningDataset({ dataDir }))).message).toMatch(
      /no import\.json records its hash/,
    );
  });

  it("creates the screening directory 0700 and its files 0600", async () => {
    await importScreeningList({ dataDir, file: excerpt, allowShrink: true });
    const meta = JSON.parse(await readFile(join(dataDir, "screening", "import.json"), "utf8")) as {
      file: string;
    };
    expect((await stat(join(dataDir, "screening"))).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, "screening", "import.json"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, "screening", meta.file))).mode & 0o777).toBe(0o600);
  });

  it("takes over an import lock left by a process that no longer runs", async () => {
    await importScreeningList({ dataDir, file: excerpt, allowShrink: true });
    await writeFile(join(dataDir, "screening", "import.lock"), "999999999");
    const again = await importList(await readFile(excerpt), { dataDir, label: "again.csv" });
    expect(again.version.importedFrom).toBe("again.csv");
  });

  it("allows a shrink up to the configured share", async () => {
    await importScreeningList({ dataDir, file: excerpt, allowShrink: true });
    const rows = (await readFile(excerpt, "utf8")).trimEnd().split("\n");
    // One of 15 SDN rows fewer: 6.7 %, over the default 5 %, within 10 %.
    const fewer = new TextEncoder().encode(`${rows.slice(0, -1).join("\n")}\n`);
    expect((await rejection(importList(fewer, { dataDir, label: "x.csv" }))).message).toMatch(
      /SDN 15 → 14.*--allow-shrink/s,
    );
    const ok = await importList(fewer, { dataDir, label: "x.csv", maxShrink: 0.1 });
    expect(ok.version.rowsPerList.SDN).toBe(14);
  });
});
