import { describe, expect, it } from "vitest";
import { expandListedName } from "./names.js";

describe("expandListedName", () => {
  it("splits d/b/a names", () => {
    expect(expandListedName("SIBERIAN AIRLINES D/B/A S7 AIRLINES")).toEqual([
      "SIBERIAN AIRLINES",
      "S7 AIRLINES",
    ]);
  });
  it("indexes acronyms and long parentheticals but not places", () => {
    expect(expandListedName("National University of Defense Technology (NUDT)")).toContain("NUDT");
    expect(expandListedName("Rostec (Russian Technologies State Corporation)")).toContain(
      "Russian Technologies State Corporation",
    );
    const hk = expandListedName("Arrow Electronics (Hong Kong) Co., Ltd.");
    expect(hk).not.toContain("Hong Kong");
    expect(hk).toContain("Arrow Electronics Co., Ltd.");
  });
});
