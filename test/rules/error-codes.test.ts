import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorCodes } from "../../src/core/errors.js";
import { packageRoot } from "../../src/node/package-info.js";

describe("docs/errors.md", () => {
  const doc = readFileSync(join(packageRoot, "docs/errors.md"), "utf8");
  const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \| (yes|no) \|/gm)].map((m) => ({
    code: m[1]!,
    input: m[2] === "yes",
  }));

  it("documents exactly the codes the code defines, with the same input/internal split", () => {
    expect(documented.map((d) => d.code).sort()).toEqual(Object.keys(errorCodes).sort());
    for (const d of documented)
      expect(errorCodes[d.code as keyof typeof errorCodes].input, d.code).toBe(d.input);
  });
});
