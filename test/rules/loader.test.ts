import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChipGateError } from "../../src/core/errors.js";
import { dataPath } from "../../src/node/package-info.js";
import { loadRuleBook } from "../../src/node/rules-loader.js";

// One broken fixture per rejection: each fixture folder overlays the bundled rule data with one bad file.
const FIXTURES = join(import.meta.dirname, "../fixtures/rules-broken");
const expected: Record<string, { file: string; field: string; message: RegExp }> = {
  "unknown-key": { file: "ccl/9a999.yaml", field: "versions.0", message: /unknown key\(s\): thresold/ },
  "missing-citation": { file: "ccl/9a999.yaml", field: "versions.0.cite", message: /a citation is required/ },
  "empty-pinpoint": {
    file: "ccl/9a999.yaml",
    field: "versions.0.cite.pinpoint",
    message: /needs a pinpoint/,
  },
  "unknown-source": {
    file: "ccl/9a999.yaml",
    field: "versions.0.cite.source",
    message: /unknown source 'no-such-rule'/,
  },
  "unsorted-dates": { file: "ccl/9a999.yaml", field: "versions.1.from", message: /strictly increasing/ },
  "overlapping-dates": { file: "ccl/9a999.yaml", field: "versions.1.from", message: /strictly increasing/ },
  "bad-unit": { file: "ccl/9a999.yaml", field: "unit", message: /unit of 'tpp' must be 'tpp', not 'GB\/s'/ },
  "bad-date": { file: "ccl/9a999.yaml", field: "versions.0.from", message: /real calendar date/ },
  "yaml-syntax": { file: "ccl/9a999.yaml", field: "", message: /YAML syntax error/ },
  "foreign-paragraph": {
    file: "ccl/9a999.yaml",
    field: "paragraphs.0.id",
    message: /does not belong to ECCN 9A999/,
  },
  "bad-country-code": {
    file: "country-groups.yaml",
    field: "groups.D5.members.0",
    message: /ISO 3166-1 alpha-2/,
  },
  "stray-file": { file: "notes.yaml", field: "", message: /not a known rule-data file/ },
};

const work: string[] = [];
afterAll(() => {
  for (const dir of work) rmSync(dir, { recursive: true, force: true });
});

describe("strict rule-data loader", () => {
  it("loads the bundled rule data", () => {
    const rules = loadRuleBook();
    expect(rules.version).toMatch(/^rules-sha256:[0-9a-f]{16}$/);
    expect(rules.eccnVersions("3A090").map((v) => v.from)).toEqual([
      "2022-10-07",
      "2023-11-17",
      "2024-12-02",
      "2025-01-16",
      "2026-04-07",
    ]);
  });

  it("has a fixture for every rejection and an expectation for every fixture", () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))("rejects %s, naming the file and the field", (name, want) => {
    const dir = mkdtempSync(join(tmpdir(), "chipgate-rules-"));
    work.push(dir);
    cpSync(dataPath("rules"), dir, { recursive: true });
    cpSync(join(FIXTURES, name), dir, { recursive: true });
    let error: unknown;
    try {
      loadRuleBook(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChipGateError);
    const err = error as ChipGateError;
    expect(err.code).toBe("RULE_DATA_INVALID");
    expect(err.message).toContain(want.file);
    expect(err.message).toContain(want.field);
    expect(err.message).toMatch(want.message);
  });
});
