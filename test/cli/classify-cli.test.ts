import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "chipgate-cli-"));
function specFile(content: string): string {
  const file = join(tmp, `spec-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, content);
  return file;
}

describe("chipgate classify", () => {
  it("shows the H20's company-specific notice as a note after April 2025, and warns after the verified-through date", () => {
    const r = cli(["classify", "--chip", "nvidia-h20", "--date", "2026-12-06", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.paragraph).toBeNull();
    expect(out.notes.map((n: { code: string }) => n.code)).toEqual(["OUTSIDE_SCOPE", "COMPANY_NOTICE_NOTE"]);
    expect(out.notes[1].message).toMatch(/usg-2025-04-h20 to NVIDIA .* not a rule/);
    const stale = out.warnings.find((w: { code: string }) => w.code === "RULES_VERIFIED_THROUGH");
    expect(stale.message).toBe(
      "Rule data was checked against sources through 2026-09-30; rules may have changed since.",
    );
    const before = JSON.parse(
      cli(["classify", "--chip", "nvidia-h20", "--date", "2025-03-01", "--json"]).stdout,
    );
    expect(before.notes.map((n: { code: string }) => n.code)).toEqual(["OUTSIDE_SCOPE"]);
    expect(before.warnings.map((w: { code: string }) => w.code)).not.toContain("RULES_VERIFIED_THROUGH");
  });

  it("history shows the H20 notice from 2025-04-09 as a note and says how current the rule data is", () => {
    const r = cli(["history", "--chip", "nvidia-h20", "--json"]);
    const out = JSON.parse(r.stdout);
    expect(out.verifiedThrough).toBe("2026-09-30");
    const step = out.history.find((h: { from: string }) => h.from === "2025-04-09");
    expect(step.eccn).toBeNull();
    expect(step.notes[0]).toMatch(/usg-2025-04-h20/);
    expect(out.history.find((h: { to: string | null }) => h.to === "2025-04-09").notes).toEqual([]);
    const text = cli(["history", "--chip", "nvidia-h20"]).stdout;
    expect(text).toMatch(/may be EAR99/);
    expect(text).toMatch(/Note: USG "is informed" notice usg-2025-04-h20/);
  });

  it("explains why the H20 is outside 3A090 on 2024-06-01", () => {
    const r = cli(["classify", "--chip", "nvidia-h20", "--date", "2024-06-01"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("not 3A090/4A090/4E091 on this date");
    // Outside ChipGate's ECCNs is not the same as uncontrolled.
    expect(r.stdout).toMatch(/may still be EAR99 or classified under another ECCN/);
    expect(r.stdout).toMatch(/TPP = 2,368, needs >= 2,400 — not met/);
    expect(r.stdout).toMatch(/performance density = 2\.91 tpp\/mm2, needs >= 3\.2/);
    expect(r.stdout).toContain("88 FR 73458");
    expect(r.stdout).toContain("not legal advice");
  });

  it("--json gives the contract keys", () => {
    const r = cli(["classify", "--chip", "nvidia-a800-sxm4-80gb", "--date", "2023-12-01", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      eccn: "3A090.a",
      paragraph: "3A090.a.1",
      mode: "as-enforced",
      undetermined: [],
      ruleVersion: { id: "ear-2023-11" },
    });
    expect(out.tpp).toBeCloseTo(4992, 0);
    expect(out.performanceDensity).toBeCloseTo(6.04, 2);
    expect(Array.isArray(out.warnings)).toBe(true);
    for (const reason of out.reasons) expect(reason.citation.text).toBeTruthy();
  });

  it("classifies a spec from standard input and halves declared sparse figures", () => {
    const spec = { name: "X", datacenter: true, denseTops: { fp8: 3958 }, dieAreaMm2: 814, sparse: true };
    const r = cli(["classify", "--spec", "-", "--date", "2024-06-01", "--json"], {
      input: JSON.stringify(spec),
    });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tpp).toBeCloseTo(15832, 0);
    expect(out.eccn).toBe("3A090.a");
  });

  it("reports a deciding missing input as undetermined (exit 0, answered)", () => {
    const file = specFile(JSON.stringify({ datacenter: true, denseTops: { fp16: 200 } }));
    const r = cli(["classify", "--spec", file, "--date", "2024-06-01", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).undetermined[0].field).toBe("dieAreaMm2");
  });

  it.each([
    [["classify", "--chip", "nvidia-h2000"], /unknown chip id 'nvidia-h2000'.*Did you mean/s],
    [
      ["classify", "--chip", "nvidia-h20", "--date", "2024-02-30"],
      /--date: '2024-02-30' is not a real calendar date/,
    ],
    [["classify", "--chip", "nvidia-h20", "--date", "yesterday"], /expected YYYY-MM-DD/],
    [
      ["classify", "--chip", "nvidia-h20", "--mode", "strict"],
      /--mode: 'strict' is not a mode; accepted: as-enforced/,
    ],
    [
      ["classify", "--chip", "nvidia-h20", "--tf32-bits", "16"],
      /--tf32-bits: '16' is not accepted; use 32 or 19/,
    ],
    [["classify"], /exactly one of --chip <id> or --spec/],
    [["history", "--chip", "nope"], /unknown chip id 'nope'/],
  ])("exits 2 with a clear message: %j", (args, message) => {
    const r = cli(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ["malformed JSON", "{ not json", /is not valid JSON/],
    [
      "negative numbers",
      JSON.stringify({ denseTops: { fp8: -5 } }),
      /denseTops\.fp8: a TOPS figure must not be negative/,
    ],
    [
      "unknown format names",
      JSON.stringify({ denseTops: { fp12: 5 } }),
      /unknown format 'fp12'; accepted: fp64, fp32/,
    ],
    [
      "a negative die area",
      JSON.stringify({ dieAreaMm2: -1 }),
      /dieAreaMm2: dieAreaMm2 \(mm2\) must be greater than zero/,
    ],
    ["an unknown key", JSON.stringify({ dieArea: 5 }), /\(spec\): unknown field\(s\): dieArea/],
    ["a wrong type", JSON.stringify({ datacenter: "yes" }), /datacenter: datacenter must be true or false/],
  ])("rejects a spec with %s (exit 2, names the field)", (_what, content, message) => {
    const r = cli(["classify", "--spec", specFile(content), "--date", "2024-06-01"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("a missing spec file is bad input, not a crash", () => {
    const r = cli(["classify", "--spec", join(tmp, "missing.json")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--spec: cannot read .*ENOENT/);
  });
});

describe("chipgate chips and history", () => {
  it("searches the catalog", () => {
    const r = cli(["chips", "--search", "h100", "--json"]);
    expect(r.status).toBe(0);
    const ids = JSON.parse(r.stdout).map((c: { id: string }) => c.id);
    expect(ids).toContain("nvidia-h100-sxm5-80gb");
    expect(ids.every((id: string) => id.includes("h100"))).toBe(true);
  });

  it("shows the A800 not controlled in mid-2023 and 3A090.a from 2023-11-17", () => {
    const r = cli(["history", "--chip", "nvidia-a800-sxm4-80gb", "--json"]);
    expect(r.status).toBe(0);
    const { history } = JSON.parse(r.stdout);
    const at = (date: string) =>
      history.find(
        (h: { from: string; to: string | null }) => h.from <= date && (h.to === null || date < h.to),
      );
    expect(at("2023-06-01").eccn).toBeNull();
    expect(at("2023-11-17")).toMatchObject({ from: "2023-11-17", eccn: "3A090.a" });
  });
});

describe("output to a pipe closed early", () => {
  it("ends quietly with exit 0 instead of crashing on EPIPE", () => {
    const bin = join(import.meta.dirname, "../../bin/chipgate");
    const r = spawnSync(
      "bash",
      ["-c", `set -o pipefail; "${process.execPath}" "${bin}" chips --json | head -n 1`],
      {
        encoding: "utf8",
      },
    );
    expect(r.stdout.trim()).toBe("[");
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.status).toBe(0);
  });
});
