import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "test", "fixtures", "screening");
let dir: string;

function chipgate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "bin", "chipgate"), ...args], {
    cwd: dir,
    encoding: "utf8",
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

describe("chipgate data", () => {
  it("shows the imported list, its age and gaps", () => {
    const r = chipgate("data", "info", "--json", "--data-dir", dir);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.version.source).toBe("imported");
    expect(info.version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(info.gaps.join("\n")).toMatch(/days ago/);
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
