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

/**
 * The canonical text of `value` and a copy of `value` as `JSON.parse(text)` would give it (same members in
 * the same order, `toJSON` applied, no `undefined`), except that deeply frozen parts holding plain data are
 * shared instead of copied, as they are: nothing can change them, and the shared classifications and
 * citations are most of a decision. The copy's text is remembered, so it is not encoded again. Throws as
 * `canonicalJson` does.
 */
export function canonicalCopy(value: unknown): { text: string; copy: unknown } {
  try {
    const text = encode(value);
    const copy = copyOf(value);
    if (typeof copy === "object" && copy !== null) known.set(copy, text);
    return { text, copy };
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    const found = locate(value, "$");
    throw notJson(found?.path ?? "$", found?.message ?? error.message);
  }
}

class NotJson extends Error {}

// Canonical texts of values that are never mutated: deeply frozen ones, and copies made from canonical texts
// (normalized audit entries), so that a record's input and output are encoded once, not again for hashing and
// storage.
const known = new WeakMap<object, string>();
// Deeply frozen objects that hold a `toJSON` value somewhere: their text is not what they hold, so they are
// copied, not shared. `toJsonSeen` is set while encoding meets one.
const holdsToJson = new WeakSet<object>();
let toJsonSeen = false;

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
      if (cached !== undefined) {
        if (holdsToJson.has(value as object)) toJsonSeen = true;
        return cached;
      }
      // A deeply frozen object cannot change, so its text can be reused (shared citations, cached
      // classifications).
      if (isDeeplyFrozen(value)) {
        const outer = toJsonSeen;
        toJsonSeen = false;
        const text = encodeObject(value as object);
        if (toJsonSeen) holdsToJson.add(value as object);
        toJsonSeen ||= outer;
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
  if (typeof withToJson.toJSON === "function") {
    toJsonSeen = true;
    return encode((withToJson.toJSON as () => unknown).call(value));
  }
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

/** What `JSON.parse(canonicalJson(value))` gives, sharing deeply frozen plain parts; `value` must encode. */
function copyOf(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return typeof value === "number" ? value + 0 : value;
  if (isDeeplyFrozen(value) && !holdsToJson.has(value)) return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return JSON.parse(encode(value));
  if (Array.isArray(value)) return value.map(copyOf);
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    // As JSON.parse does, "__proto__" becomes an own member, not the copy's prototype.
    if (key === "__proto__") {
      Object.defineProperty(copy, key, {
        value: copyOf(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      copy[key] = copyOf(item);
    }
  }
  return copy;
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
