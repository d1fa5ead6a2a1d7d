import { describe, expect, it } from "vitest";
import { boundedEditDistance, deletions, maxEditsFor } from "./distance.js";

describe("boundedEditDistance", () => {
  it("counts insertions, substitutions and transpositions", () => {
    expect(boundedEditDistance("huawei", "huawwei", 2)).toBe(1);
    expect(boundedEditDistance("sophgo", "sopgho", 2)).toBe(1);
    expect(boundedEditDistance("mikron", "micron", 2)).toBe(1);
    expect(boundedEditDistance("abc", "abc", 0)).toBe(0);
  });
  it("stops past the bound", () => {
    expect(boundedEditDistance("alibaba", "tencent", 2)).toBe(3);
  });
  it("lists one-deletion variants and scales edits with length", () => {
    expect(deletions("abc")).toEqual(["bc", "ac", "ab"]);
    expect([maxEditsFor(3), maxEditsFor(6), maxEditsFor(12)]).toEqual([0, 1, 2]);
  });
});
