import { ChipGateError } from "../errors.js";
import { isDeeplyFrozen } from "../freeze.js";

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
  try {
    return encode(value);
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    // The fast path keeps no path; find where the offending value sits only when there is one.
    const found = locate(value, "$");
    throw notJson(found?.path ?? "$", found?.message ?? error.message);
  }
}

/** A canonical JSON text made by `canonicalText`, which a store may take without checking it again. */
export interface CanonicalText {
  readonly text: string;
}

// The CanonicalText objects this module made: only these are taken as canonical by `isCanonicalText`.
const madeHere = new WeakSet<object>();

/** `canonicalJson(value)`, marked as made here (see `AuditStore.appendEncoded`). Throws as `canonicalJson`. */
export function canonicalText(value: unknown): CanonicalText {
  const made = Object.freeze({ text: canonicalJson(value) });
  madeHere.add(made);
  return made;
}

/** Whether `value` was made by `canonicalText` (a plain `{ text }` was not, and is not trusted). */
export function isCanonicalText(value: unknown): value is CanonicalText {
  return typeof value === "object" && value !== null && madeHere.has(value);
}

class NotJson extends Error {}

// Canonical texts of values that are never mutated: deeply frozen ones, and copies made by parsing canonical
// texts (normalized audit entries), so that a record's input and output are encoded once, not again for
// hashing and storage.
const known = new WeakMap<object, string>();

/** Records that `value` (fresh from `JSON.parse(text)`, never mutated) encodes to `text`. */
export function rememberCanonical(value: unknown, text: string): void {
  if (typeof value === "object" && value !== null) known.set(value, text);
}

/** Why a value cannot be encoded, or undefined when it can (ignoring its children). */
function problem(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "object":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `${value} is not a finite number`;
    default:
      return `a ${typeof value} is not a JSON value`;
  }
}

function encode(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new NotJson(`${value} is not a finite number`);
      return JSON.stringify(value);
    case "object": {
      const cached = known.get(value as object);
      if (cached !== undefined) return cached;
      // A deeply frozen object (plain data all the way down) cannot change, so its text can be reused (shared
      // citations, cached classifications).
      if (isDeeplyFrozen(value)) {
        const text = encodeObject(value as object);
        known.set(value as object, text);
        return text;
      }
      return encodeObject(value as object);
    }
    default:
      throw new NotJson(`a ${typeof value} is not a JSON value`);
  }
}

function encodeObject(value: object): string {
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === "function")
    return encode((withToJson.toJSON as () => unknown).call(value));
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === undefined) throw new NotJson("undefined inside an array");
      out += (i ? "," : "") + encode(item);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${encode(item)}`;
    first = false;
  }
  return `${out}}`;
}

/** The path and reason of the first value that cannot be encoded. */
function locate(value: unknown, path: string): { path: string; message: string } | undefined {
  const why = problem(value);
  if (why) return { path, message: why };
  if (typeof value !== "object" || value === null) return undefined;
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === "function")
    return locate((withToJson.toJSON as () => unknown).call(value), path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) return { path: `${path}[${i}]`, message: "undefined inside an array" };
      const found = locate(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    const found = locate(item, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

function notJson(path: string, message: string): ChipGateError {
  return new ChipGateError("INVALID_INPUT", `Audit entry is not canonical JSON at ${path}: ${message}`, [
    { path, message },
  ]);
}
