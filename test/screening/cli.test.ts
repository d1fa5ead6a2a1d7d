import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "screening");
let dir: string;

function chipgate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return chipgateWithInput(undefined, ...args);
}

function chipgateWithInput(
  input: string | undefined,
  ...args: string[]
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "bin", "chipgate"), ...args], {
    cwd: dir,
    encoding: "utf8",
    ...(input !== undefined && { input }),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "chipgate-cli-"));
  // A small imported list keeps each CLI call fast; the bundled list is exercised by the eval test.
  // Far smaller than the bundled list it replaces, so only with --allow-shrink.
  const r = chipgate(
    "data",
    "import",
    join(fixtures, "csl-2022-excerpt.csv"),
    "--data-dir",
    dir,
    "--allow-shrink",
  );
  expect(r.status).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("chipgate screen", () => {
  it("prints one JSON object per query with the public keys, exit 0 on a hit", () => {
    const r = chipgate("screen", "Bel Huawei Technologies Ltd", "--json", "--data-dir", dir);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out.query).toBe("Bel Huawei Technologies Ltd");
    expect(Object.keys(out.hits[0]).sort()).toEqual(["band", "explanation", "id", "list", "name", "score"]);
    expect(out.hits[0].name).toBe("Bel Huawei Technologies LLC");
    expect(out.hits[0].explanation.matches.length).toBeGreaterThan(0);
  });

  it("rejects a malformed country with exit 2", () => {
    const r = chipgate("screen", "Huawei", "--country", "China", "--data-dir", dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/alpha-2/);
  });

  it("screens a CSV file to JSONL and summarises", async () => {
    const input = join(dir, "orders.csv");
    await writeFile(
      input,
      'id,customer,cc\n1,"Bel Huawei Technologies",BY\n2,Acme Widgets,US\n3,Rosoboronexport OJSC,\n',
    );
    const out = join(dir, "results.jsonl");
    const r = chipgate(
      "screen",
      "--file",
      input,
      "--column",
      "customer",
      "--country-column",
      "cc",
      "--out",
      out,
      "--data-dir",
      dir,
      "--workers",
      "0",
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/screened 3 queries/);
    const rows = (await readFile(out, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.query)).toEqual([
      "Bel Huawei Technologies",
      "Acme Widgets",
      "Rosoboronexport OJSC",
    ]);
    expect(rows[0].hits.length).toBeGreaterThan(0);
    expect(rows[1].hits).toEqual([]);
  });

  it("names the missing column and the unreadable line (exit 2)", async () => {
    const input = join(dir, "bad.csv");
    await writeFile(input, "id,customer\n1,Acme\n");
    const missing = chipgate(
      "screen",
      "--file",
      input,
      "--column",
      "name",
      "--data-dir",
      dir,
      "--workers",
      "0",
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/line 1: no column "name"/);
    await writeFile(input, "id,customer\n1,Acme\n2,Beta,extra\n");
    const broken = chipgate(
      "screen",
      "--file",
      input,
      "--column",
      "customer",
      "--data-dir",
      dir,
      "--workers",
      "0",
    );
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/line 3: expected 2 fields, found 3/);
  });
});

describe("chipgate screen result controls and batches", () => {
  it("reads names from standard input, one JSON line per line in order, summary on stderr", () => {
    const long = "x".repeat(501);
    const r = chipgateWithInput(
      `Bel Huawei Technologies\n\nAcme Widgets\n${long}\nRosoboronexport\n`,
      "screen",
      "-",
      "--json",
      "--data-dir",
      dir,
    );
    expect(r.status).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.line)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0].hits[0].name).toBe("Bel Huawei Technologies LLC");
    expect(rows[1].error).toBe("the line is empty");
    expect(rows[2].band).toBe("clear");
    expect(rows[3].error).toBe("the line is longer than 500 characters");
    expect(rows[4].band).not.toBe("clear");
    expect(r.stderr).toMatch(/screened 5 lines: \d+ match, \d+ review, 1 clear, 2 bad rows/);
  });

  it("limits hits and says how many more exist, filters by list and score, and refuses a bad list", async () => {
    // One name on three lists: a copy of the excerpt's first EL row under new ids and sources.
    const [header, elRow] = (await readFile(join(fixtures, "csl-2022-excerpt.csv"), "utf8")).split(/\r?\n/);
    const fields = parse(`${header}\n${elRow}\n`, { columns: true }) as Record<string, string>[];
    const sources = [
      "Entity List (EL) - Bureau of Industry and Security",
      "Specially Designated Nationals (SDN) - Treasury Department",
      "Military End User (MEU) List - Bureau of Industry and Security",
    ];
    const rows = sources.map((source, i) => {
      const r = { ...fields[0]!, _id: `kq-${i}`, source, name: "Kelvatrix Quorvant Trading", alt_names: "" };
      return Object.values(r)
        .map((v) => `"${String(v).replace(/"/g, '""')}"`)
        .join(",");
    });
    const list = join(dir, "three-lists.csv");
    await writeFile(list, `${header}\n${rows.join("\n")}\n`);
    const own = join(dir, "three-lists");
    expect(chipgate("data", "import", list, "--allow-shrink", "--data-dir", own).status).toBe(0);
    const run = (...args: string[]) =>
      JSON.parse(
        chipgate("screen", "Kelvatrix Quorvant Trading", "--json", ...args, "--data-dir", own).stdout,
      );
    const all = run("--limit", "100");
    expect(all.hits).toHaveLength(3);
    expect(all.moreHits).toBe(0);
    const one = run("--limit", "1");
    expect(one.hits).toHaveLength(1);
    expect(one.moreHits).toBe(2);
    expect(
      run("--lists", "sdn,MEU")
        .hits.map((h: { list: string }) => h.list)
        .sort(),
    ).toEqual(["MEU", "SDN"]);
    expect(run("--min-score", "0.99").hits).toHaveLength(3);
    const bad = chipgate("screen", "Huawei", "--lists", "EL,XYZ", "--data-dir", own);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/lists: unknown list "XYZ"/);
    expect(chipgate("screen", "Huawei", "--limit", "0", "--data-dir", own).status).toBe(2);
  });

  it("keeps the input's other columns and reports bad rows without stopping (CSV and JSON Lines)", async () => {
    const input = join(dir, "orders-more.csv");
    await writeFile(
      input,
      `order,customer,cc,amount\n7,Bel Huawei Technologies,BY,100\n8,,US,5\n9,${"y".repeat(501)},,1\n10,Acme Widgets,USA,3\n11,Acme Widgets,US,4\n`,
    );
    const args = ["screen", "--file", input, "--column", "customer", "--country-column", "cc"];
    const csv = chipgate(...args, "--data-dir", dir, "--workers", "0");
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe("line,query,country,rank,id,name,list,score,band,explanation,order,amount");
    expect(lines.find((l) => l.startsWith("3,"))).toBe('3,,,0,,,,,error,"column ""customer"" is empty",8,5');
    expect(lines.find((l) => l.startsWith("4,"))).toMatch(
      /error,"column ""customer"" is longer than 500 characters",9,1$/,
    );
    expect(lines.find((l) => l.startsWith("5,"))).toMatch(
      /error,.*not an ISO 3166 alpha-2 code: ""USA""",10,3$/,
    );
    expect(lines.find((l) => l.startsWith("6,"))).toBe("6,Acme Widgets,US,0,,,,,,,11,4");
    expect(csv.stderr).toMatch(/screened 5 queries .*: 1 match, 0 review, 1 clear, 3 bad rows/);

    const jsonl = chipgate(...args, "--json", "--data-dir", dir, "--workers", "1");
    expect(jsonl.status).toBe(0);
    const rows = jsonl.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((x) => x.line)).toEqual([2, 3, 4, 5, 6]);
    expect(rows[0].input).toEqual({ order: "7", amount: "100" });
    expect(rows[0].country).toBe("BY");
    expect(rows[1]).toEqual({
      line: 3,
      query: "",
      error: 'column "customer" is empty',
      input: { order: "8", amount: "5" },
    });
    expect(rows[4].band).toBe("clear");
  });
});

describe("chipgate data", () => {
  it("shows the imported list, its age and gaps, and the native names joined to it", () => {
    const r = chipgate("data", "info", "--json", "--data-dir", dir);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.version.source).toBe("imported");
    expect(info.version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(info.gaps.join("\n")).toMatch(/days ago/);
    // The bundled native names were written for the bundled list; on this excerpt most find no record,
    // and each that does not is listed with its line and the reason.
    expect(info.enrichment.rows).toBeGreaterThan(1000);
    expect(info.enrichment.joinedRows + info.enrichment.unjoinedRows).toBe(info.enrichment.rows);
    expect(info.enrichment.unjoined).toHaveLength(info.enrichment.unjoinedRows);
    expect(info.enrichment.unjoined[0]).toEqual(
      expect.objectContaining({
        line: expect.any(Number),
        reason: expect.stringMatching(/^no .* record of that name/),
      }),
    );
    const text = chipgate("data", "info", "--data-dir", dir).stdout;
    expect(text).toMatch(/native-name enrichment: \d+ rows \(\d+ verified\)/);
    expect(text).toMatch(/rows joined \d+ records of this list; \d+ did not:/);
  });

  it("keeps the index in the data directory, and rebuilds it when the file is corrupt", async () => {
    const cache = join(dir, "cache", "screening-index.bin");
    expect(JSON.parse(chipgate("data", "info", "--json", "--data-dir", dir).stdout).indexCache.status).toBe(
      "loaded",
    );
    const bytes = await readFile(cache);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5]! + 1) % 256;
    await writeFile(cache, bytes);
    const rebuilt = JSON.parse(chipgate("data", "info", "--json", "--data-dir", dir).stdout).indexCache;
    expect(rebuilt).toEqual(
      expect.objectContaining({ status: "written", reason: "corrupt: checksum mismatch" }),
    );
    expect(JSON.parse(chipgate("data", "info", "--json", "--data-dir", dir).stdout).indexCache.status).toBe(
      "loaded",
    );
  });

  it("refuses a broken import and keeps the old list (exit 2)", () => {
    const before = JSON.parse(chipgate("data", "info", "--json", "--data-dir", dir).stdout).version.hash;
    const r = chipgate("data", "import", join(fixtures, "broken-empty-name.csv"), "--data-dir", dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 3: column "name" is empty/);
    const after = JSON.parse(chipgate("data", "info", "--json", "--data-dir", dir).stdout).version.hash;
    expect(after).toBe(before);
  });
});
