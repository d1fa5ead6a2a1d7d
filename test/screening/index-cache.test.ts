import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { screenName } from "../../src/core/screening/index.js";
import {
  importScreeningList,
  loadScreeningDataset,
  type ScreeningDataset,
} from "../../src/node/screening/index.js";
import {
  engineHash,
  indexCachePath,
  inputFile,
  readIndexCache,
  writeIndexCache,
} from "../../src/node/screening/index-cache.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "screening");
let dir: string;
let built: ScreeningDataset;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chipgate-index-cache-"));
  await importScreeningList({
    dataDir: dir,
    file: join(fixtures, "csl-2022-excerpt.csv"),
    // A small excerpt replacing the bundled list: the shrink guard is not what this tests.
    allowShrink: true,
    enrichmentFile: null,
  });
  built = await loadScreeningDataset({ dataDir: dir, enrichmentFile: null, cache: false });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const QUERIES = ["Bel Huawei Technologies", "Рособоронэкспорт", "华为数字技术", "Abdallah Muhammad", "Acme"];

describe("index cache file", () => {
  const path = () => join(dir, "copy.bin");
  const key = async () => ({
    list: await inputFile(built.version.loadedFrom),
    enrichment: undefined,
    engine: await engineHash(),
  });

  it("gives back an index that screens exactly as the one it was written from", async () => {
    await writeIndexCache(path(), await key(), { note: "meta" }, built.index);
    const read = await readIndexCache<{ note: string }>(path(), async () => true);
    expect(read.status).toBe("loaded");
    if (read.status !== "loaded") return;
    expect(read.meta).toEqual({ note: "meta" });
    for (const name of QUERIES) {
      const a = screenName(built.index, { name }, { reviewThreshold: 0.3 });
      const b = screenName(read.index, { name }, { reviewThreshold: 0.3 });
      expect(b.hits.map(({ record, ...h }) => ({ ...h, record: { ...record } }))).toEqual(
        a.hits.map(({ record, ...h }) => ({ ...h, record: { ...record } })),
      );
    }
  });

  it("is stale when its inputs are not those of now, and corrupt when a byte or its end is off", async () => {
    await writeIndexCache(path(), await key(), {}, built.index);
    expect((await readIndexCache(path(), async () => false)).status).toBe("stale");
    const bytes = await readFile(path());
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(path(), bytes);
    expect(await readIndexCache(path(), async () => true)).toEqual({
      status: "corrupt",
      reason: "checksum mismatch",
    });
    await truncate(path(), 100);
    expect((await readIndexCache(path(), async () => true)).status).toBe("corrupt");
    await writeFile(path(), "not an index");
    expect(await readIndexCache(path(), async () => true)).toEqual({
      status: "corrupt",
      reason: "not a ChipGate index file",
    });
    expect((await readIndexCache(join(dir, "none.bin"), async () => true)).status).toBe("missing");
  });
});

describe("the data directory's index cache", () => {
  it("is written once, loaded after, and rebuilt when the enrichment changes", async () => {
    const enrichment = join(dir, "native-names.csv");
    await copyFile(join(fixtures, "enrichment", "native-names-sample.csv"), enrichment);
    const first = await loadScreeningDataset({ dataDir: dir, enrichmentFile: enrichment });
    expect(first.cache.status).toBe("written");
    const second = await loadScreeningDataset({ dataDir: dir, enrichmentFile: enrichment });
    expect(second.cache).toEqual({ path: indexCachePath(dir), status: "loaded" });
    expect(second.version.enrichment).toEqual(first.version.enrichment);
    expect(second.index.enrichment.unjoined).toEqual(first.index.enrichment.unjoined);
    await writeFile(
      enrichment,
      `${await readFile(enrichment, "utf8")}EL,Another Party,,CN,另一家,Hans,,,unverified,\n`,
    );
    const third = await loadScreeningDataset({ dataDir: dir, enrichmentFile: enrichment });
    expect(third.cache).toEqual(
      expect.objectContaining({ status: "written", reason: expect.stringMatching(/^stale/) }),
    );
    expect(third.version.enrichment?.rows).toBe(6);
    // Without an enrichment file, the index is another again.
    expect((await loadScreeningDataset({ dataDir: dir, enrichmentFile: null })).cache.status).toBe("written");
  });
});
