import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorCodes } from "../../src/core/errors.js";
import { reasonCodes } from "../../src/core/reason-codes.js";
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

describe("docs/errors.md: reason, warning and note codes", () => {
  const doc = readFileSync(join(packageRoot, "docs/errors.md"), "utf8");
  const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \| (reason|requirement|warning|note) \|/gm)].map(
    (m) => ({
      code: m[1]!,
      kind: m[2]!,
    }),
  );

  it("documents exactly the codes src/core/reason-codes.ts defines, with the same kind", () => {
    expect(documented.map((d) => d.code).sort()).toEqual(Object.keys(reasonCodes).sort());
    for (const d of documented)
      expect(reasonCodes[d.code as keyof typeof reasonCodes].kind, d.code).toBe(d.kind);
  });

  it("every code written in the core is a defined code", () => {
    // The type of `code` already requires it; this also catches codes built from strings.
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith(".ts") && !name.endsWith(".test.ts"))
          for (const m of readFileSync(path, "utf8").matchAll(/code: "([A-Z0-9_]+)"/g)) used.add(m[1]!);
      }
    };
    walk(join(packageRoot, "src/core/classify"));
    walk(join(packageRoot, "src/core/decide"));
    for (const code of used) expect(Object.keys(reasonCodes), code).toContain(code);
  });
});
