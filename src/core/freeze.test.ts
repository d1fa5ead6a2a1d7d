import { describe, expect, it } from "vitest";
import { deepFreeze, isDeeplyFrozen } from "./freeze.js";

describe("deepFreeze", () => {
  it("freezes everything a value holds and remembers plain data as deeply frozen", () => {
    const value = { a: [1, { b: 2 }], c: { d: "e" } };
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value.a[1])).toBe(true);
    expect(isDeeplyFrozen(value)).toBe(true);
    expect(isDeeplyFrozen(value.c)).toBe(true);
    expect(isDeeplyFrozen({})).toBe(false);
    expect(isDeeplyFrozen("text")).toBe(false);
  });

  it("goes on into objects frozen shallowly elsewhere", () => {
    const inner = { x: 1 };
    const outer = Object.freeze({ inner });
    deepFreeze(outer);
    expect(Object.isFrozen(inner)).toBe(true);
    expect(isDeeplyFrozen(outer)).toBe(true);
  });

  it("does not call a value holding a Date, a Map or a function deeply frozen (they can still change)", () => {
    for (const odd of [new Date(0), new Map([["k", 1]]), () => 1, { toJSON: () => "x" }]) {
      const holder = deepFreeze({ odd, plain: { y: 1 } });
      expect(Object.isFrozen(holder)).toBe(true);
      expect(isDeeplyFrozen(holder)).toBe(false);
      expect(isDeeplyFrozen(holder.plain)).toBe(true);
    }
  });

  it("ends on a cycle", () => {
    const a: Record<string, unknown> = {};
    a.b = { a };
    expect(() => deepFreeze(a)).not.toThrow();
    expect(Object.isFrozen(a.b)).toBe(true);
  });
});
