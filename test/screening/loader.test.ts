import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChipGateError } from "../../src/core/errors.js";
import { screenName } from "../../src/core/screening/index.js";
import { importScreeningList, loadScreeningDataset, readCslFile } from "../../src/node/screening/index.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "screening");
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "chipgate-screening-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function rejection(file: string): Promise<ChipGateError> {
  try {
    await readCslFile(join(fixtures, file));
  } catch (e) {
    if (e instanceof ChipGateError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe("CSL loader", () => {
  it("reads the official 2022 layout with a version hash and rows per list", async () => {
    const c = await readCslFile(join(fixtures, "csl-2022-excerpt.csv"));
    expect(c.records).toHaveLength(20);
    expect(c.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(c.rowsPerList).reduce((a, b) => a + (b ?? 0), 0)).toBe(20);
  });

  it.each([
    ["broken-missing-column.csv", /line 1: .*missing column "name"/],
    ["broken-unknown-column.csv", /line 1: .*unknown column "surprise"/],
    ["broken-field-count.csv", /line 3: expected 29 fields, found 27/],
    ["broken-empty-name.csv", /line 3: column "name" is empty/],
    ["broken-unknown-source.csv", /line 3: column "source" has an unknown list/],
    ["broken-bad-date.csv", /line 3: column "start_date" is not a YYYY-MM-DD date/],
    ["broken-unclosed-quote.csv", /line \d+: unreadable CSV/],
  ])("rejects %s with the line and the reason", async (file, message) => {
    const e = await rejection(file);
    expect(e.code).toBe("SCREENING_DATA_INVALID");
    expect(e.message).toMatch(message);
  });
});

describe("data import", () => {
  it("swaps in a valid file and keeps the old list answering after a failed import", async () => {
    const imported = await importScreeningList({
      dataDir,
      file: join(fixtures, "csl-2022-excerpt.csv"),
      allowShrink: true,
    });
    expect(imported.version.source).toBe("imported");
    const before = await loadScreeningDataset({ dataDir });
    expect(before.version.hash).toBe(imported.version.hash);
    expect(screenName(before.index, { name: "Rosoboronexport" }).hits.length).toBeGreaterThan(0);

    await expect(
      importScreeningList({ dataDir, file: join(fixtures, "broken-field-count.csv") }),
    ).rejects.toThrow(/line 3: .*Nothing was replaced/s);
    const after = await loadScreeningDataset({ dataDir });
    expect(after.version.hash).toBe(imported.version.hash);
    expect(screenName(after.index, { name: "Rosoboronexport" }).hits.map((h) => h.id)).toEqual(
      screenName(before.index, { name: "Rosoboronexport" }).hits.map((h) => h.id),
    );
  });
});
