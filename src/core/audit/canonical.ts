import { ChipGateError } from "../errors.js";

/**
 * Canonical JSON: the one text a JSON value hashes to.
 *
 * - Object keys are sorted by UTF-16 code units (JavaScript's default string order); keys whose value is
 *   `undefined` are left out.
 * - Arrays keep their order; `undefined` inside an array is rejected rather than turned into `null`, so that
 *   what is hashed is what is stored.
 * - Numbers and strings are written as `JSON.stringify` writes them (shortest round-trip number form,
 *   `-0` as `0`); non-finite numbers are rejected.
 * - No whitespace. Values with `toJSON` (such as `Date`) are encoded as what `toJSON` returns.
 * - `bigint`, functions and symbols are rejected.
 *
 * For JSON values this is the JSON Canonicalization Scheme (RFC 8785), so other languages can recompute it.
 *
 * @example canonicalJson({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return encode(value, "$");
}

function encode(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw notJson(path, `${value} is not a finite number`);
      return JSON.stringify(value);
    case "object": {
      const withToJson = value as { toJSON?: unknown };
      if (typeof withToJson.toJSON === "function") {
        return encode((withToJson.toJSON as () => unknown).call(value), path);
      }
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => {
          if (item === undefined) throw notJson(`${path}[${i}]`, "undefined inside an array");
          return encode(item, `${path}[${i}]`);
        })}]`;
      }
      const record = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        if (item === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${encode(item, `${path}.${key}`)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      throw notJson(path, `a ${typeof value} is not a JSON value`);
  }
}

function notJson(path: string, message: string): ChipGateError {
  return new ChipGateError("INVALID_INPUT", `Audit entry is not canonical JSON at ${path}: ${message}`, [
    { path, message },
  ]);
}
