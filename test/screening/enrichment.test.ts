import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChipGateError } from "../../src/core/errors.js";
import { screenName } from "../../src/core/screening/index.js";
import { enrichmentInfo, importScreeningList, loadScreeningDataset } from "../../src/node/screening/index.js";
import { bundledEnrichmentPath, readEnrichmentFile } from "../../src/node/screening/read-enrichment.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "screening");
const sample = join(fixtures, "enrichment", "native-names-sample.csv");
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "chipgate-enrichment-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function rejection(file: string): Promise<ChipGateError> {
  try {
    await readEnrichmentFile(file);
  } catch (e) {
    if (e instanceof ChipGateError) return e;
    throw e;
  }
  throw new Error(`${file} was accepted`);
}

describe("native-name enrichment loader", () => {
  it("reads the bundled file without a problem", async () => {
    const rows = await readEnrichmentFile(bundledEnrichmentPath());
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.every((r) => r.evidence === "unverified" || r.sourceUrl.startsWith("http"))).toBe(true);
  });

  it("names the file, line and column of every bad field at once", async () => {
    const file = join(fixtures, "enrichment", "native-names-broken.csv");
    const e = await rejection(file);
    expect(e.code).toBe("SCREENING_DATA_INVALID");
    const paths = e.issues.map((i) => `${i.path.replace(`${file} `, "")}: ${i.message}`);
    expect(paths).toEqual([
      'line 2 column "list": "XX" is not a list code (EL, SDN, MEU, CMIC, …)',
      'line 3 column "listed_name": is empty',
      'line 4 column "country": "China" is not an ISO 3166 alpha-2 code',
      'line 5 column "native_name": "Some Party" has no letter of script Hans',
      'line 6 column "script": "Latn" is not one of Hans, Hant, Cyrl, Arab',
      'line 7 column "source_url": is empty, but a verified name needs the source that was read',
      'line 7 column "retrieved": is empty, but a verified name needs the date its source was read',
      'line 8 column "source_url": "ftp://example.org" is not an http(s) address',
      'line 9 column "retrieved": "2026-02-30" is not a YYYY-MM-DD date',
      'line 10 column "evidence": "probable" is not verified or unverified',
      "line 11: expected 10 fields, found 9",
    ]);
    expect(e.message).toMatch(/native-names-broken\.csv: 11 problems/);
  });

  it("refuses an unknown column", async () => {
    const e = await rejection(join(fixtures, "enrichment", "native-names-unknown-column.csv"));
    expect(e.message).toMatch(/line 1 column 11: unknown column "confidence"/);
  });
});

describe("native-name enrichment applied to the list in force", () => {
  it("joins by normalized name (and country) or by id, and survives the import of a newer list", async () => {
    await importScreeningList({
      dataDir,
      file: join(fixtures, "csl-2022-excerpt.csv"),
      // A small excerpt replacing the bundled list: the shrink guard is not what this tests.
      allowShrink: true,
      enrichmentFile: sample,
    });
    const dataset = await loadScreeningDataset({ dataDir, enrichmentFile: sample, cache: false });
    const info = enrichmentInfo(dataset)!;
    expect(info.rows).toBe(5);
    expect(info.verifiedRows).toBe(2);
    expect(info.joinedRows).toBe(3);
    expect(info.joinedRecords).toBe(2);
    expect(info.unjoined.map((u) => [u.line, u.reason])).toEqual([
      [5, "the EL record of that name is not in RU"],
      [6, "no EL record of that name"],
    ]);

    const verified = screenName(dataset.index, { name: "北京华为数字技术有限公司" }).hits[0]!;
    expect(verified.id).toBe("986d3f15a6adf1e1e6b5674715ad657adbf8d048");
    expect(verified.band).toBe("match");
    expect(verified.explanation.enrichment?.sourceUrl).toBe("https://example.org/report-a");
    expect(verified.explanation.summary).toMatch(/native-script name from enrichment/);

    const unverified = screenName(dataset.index, { name: "京华数科" }).hits[0]!;
    expect(unverified.id).toBe("986d3f15a6adf1e1e6b5674715ad657adbf8d048");
    expect(unverified.band).toBe("review");

    const byId = screenName(dataset.index, { name: "Рособоронэкспорт" }).hits[0]!;
    expect(byId.id).toBe("442dc2a9ddf18d3f49e7ff87b3f8fa987c15eb83");
    expect(byId.explanation.enrichment?.evidence).toBe("verified");
  });
});
