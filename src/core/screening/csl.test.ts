import { describe, expect, it } from "vitest";
import { ChipGateError } from "../errors.js";
import { CSL_COLUMNS, listCodeOfSource, parseCslHeader, parseCslRow } from "./csl.js";

const header = parseCslHeader([...CSL_COLUMNS]);
const row = (over: Record<string, string>): string[] =>
  CSL_COLUMNS.map(
    (c) =>
      over[c] ??
      (c === "_id"
        ? "1"
        : c === "name"
          ? "ACME"
          : c === "source"
            ? "Entity List (EL) - Bureau of Industry and Security"
            : ""),
  );

function failure(fn: () => unknown): ChipGateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChipGateError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

describe("CSL parsing", () => {
  it("maps official source strings to list codes", () => {
    expect(listCodeOfSource("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department")).toBe(
      "NS-MBS",
    );
    expect(listCodeOfSource("Capta List (CAP) - Treasury Department")).toBe("CAPTA");
    expect(listCodeOfSource("Something else")).toBeUndefined();
  });
  it("keeps every original column", () => {
    const r = parseCslRow(header, row({ license_requirement: "For all items subject to the EAR" }), 2);
    expect(r.license_requirement).toBe("For all items subject to the EAR");
    expect(r.list).toBe("EL");
    expect(r.row).toBe(2);
  });
  it("rejects a header with a missing or unknown column", () => {
    expect(failure(() => parseCslHeader(CSL_COLUMNS.filter((c) => c !== "name"))).message).toMatch(
      /missing column "name"/,
    );
    expect(failure(() => parseCslHeader([...CSL_COLUMNS, "extra"])).message).toMatch(
      /unknown column "extra"/,
    );
  });
  it("rejects bad rows naming the line and the reason", () => {
    expect(failure(() => parseCslRow(header, row({ name: " " }), 7)).message).toMatch(
      /^line 7: column "name" is empty/,
    );
    expect(failure(() => parseCslRow(header, row({ source: "X" }), 3)).message).toMatch(
      /line 3: .*unknown list/,
    );
    expect(failure(() => parseCslRow(header, row({ start_date: "1/2/2020" }), 4)).message).toMatch(
      /line 4: .*start_date/,
    );
    expect(failure(() => parseCslRow(header, row({}).slice(1), 5)).message).toMatch(
      /line 5: expected 29 fields, found 28/,
    );
  });
});
