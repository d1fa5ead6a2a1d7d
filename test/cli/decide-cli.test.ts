import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const dataDir = mkdtempSync(join(tmpdir(), "chipgate-decide-"));
const file = (name: string, content: unknown) => {
  const path = join(dataDir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};
const trail = () => {
  const r = cli(["audit", "export", "--format", "jsonl", "--data-dir", dataDir]);
  expect(r.status).toBe(0);
  return r.stdout.trim()
    ? r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];
};

const w2 = {
  date: "2023-12-01",
  destination: "CN",
  items: [{ chip: "nvidia-a800-sxm4-80gb", quantity: 8 }],
  endUser: { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" },
  exporter: "NVIDIA Corporation",
};

describe("chipgate decide", () => {
  it("answers W2 as JSON with the contract keys and records it in the audit trail before printing", () => {
    const r = cli([
      "decide",
      "--spec",
      file("w2.json", w2),
      "--data-dir",
      dataDir,
      "--json",
      "--actor",
      "test",
    ]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.outcome).toBe("license-required");
    expect(out.items[0]).toMatchObject({
      eccn: "3A090.a",
      paragraph: "3A090.a.1",
      licenseRequired: true,
      exception: null,
      reviewPolicy: "presumption-of-denial",
    });
    for (const reason of out.items[0].reasons) expect(reason.citation.text).toBeTruthy();
    expect(Array.isArray(out.parties)).toBe(true);
    expect(Array.isArray(out.warnings)).toBe(true);
    const records = trail();
    expect(records.at(-1)).toMatchObject({ id: out.auditId, actor: "test", outcome: "license-required" });
    expect(records.at(-1).output.items[0].reviewPolicy).toBe("presumption-of-denial");
    expect(cli(["audit", "verify", "--data-dir", dataDir]).status).toBe(0);
  });

  it("prints a file note by default", () => {
    const r = cli(["decide", "--spec", "-", "--data-dir", dataDir], { input: JSON.stringify(w2) });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("OUTCOME: LICENSE-REQUIRED");
    expect(r.stdout).toContain("15 CFR 742.6(a)(6)(iii)");
    expect(r.stdout).toContain("not legal advice");
  });

  it.each([
    [
      "an unknown country code",
      { ...w2, destination: "ZZ" },
      /destination: destination must be an ISO 3166-1 alpha-2 code/,
    ],
    [
      "an unknown chip id",
      { ...w2, items: [{ chip: "nvidia-a801" }] },
      /items\.0\.chip: unknown chip id 'nvidia-a801'/,
    ],
    ["an impossible date", { ...w2, date: "2023-13-01" }, /date: date must be a real calendar date/],
    [
      "a negative quantity",
      { ...w2, items: [{ chip: "nvidia-h20", quantity: -1 }] },
      /items\.0\.quantity: quantity must be at least 1/,
    ],
    ["malformed JSON", "{ nope", /is not valid JSON/],
  ])("rejects %s with exit 2, names the field, and writes nothing to the trail", (_what, txn, message) => {
    const before = trail().length;
    const r = cli(["decide", "--spec", file(`bad-${Math.random()}.json`, txn), "--data-dir", dataDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(trail().length).toBe(before);
  });
});
