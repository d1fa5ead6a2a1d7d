import { hostname, networkInterfaces } from "node:os";
import { ApiError } from "./errors.js";

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::ffff:127.0.0.1"
  );
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];
const ANY_ADDRESS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The host names a `Host` header may carry for a server bound to `bound`: the bound address itself, the
 * loopback names when it is a loopback address, this machine's names and addresses when it listens on all
 * of them, and every name the operator allowed (`--allowed-hosts`, `CHIPGATE_ALLOWED_HOSTS`; `*` allows any).
 * A page on another site that makes its own name resolve to this machine (DNS rebinding) sends its own name
 * as `Host`, which is not among these.
 */
export function allowedHostNames(bound: string, configured: readonly string[] = []): string[] {
  const names = new Set<string>(configured.map(normalizeHostName).filter((h) => h !== ""));
  const b = normalizeHostName(bound);
  names.add(b);
  if (ANY_ADDRESS.has(bound) || ANY_ADDRESS.has(b)) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) names.add(normalizeHostName(a.address));
    for (const n of LOOPBACK_NAMES) names.add(n);
  } else if (isLoopback(b)) {
    for (const n of LOOPBACK_NAMES) names.add(n);
  }
  return [...names];
}

/** A host name without brackets, port or trailing dot, in lower case. */
export function normalizeHostName(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    h = end < 0 ? h.slice(1) : h.slice(1, end);
  } else if (h.split(":").length === 2) {
    h = h.slice(0, h.indexOf(":"));
  }
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

/** The host name of an `Origin` header (`null`, or anything unparsable, gives undefined). */
function originHostName(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? normalizeHostName(url.host) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a request's `Host` (every mode) and, in keyless mode, its `Origin`, before anything else is done
 * for it. Host headers seen are remembered (a few hundred at most), so the check costs a map lookup.
 */
export function requestGuard(options: {
  allowedHosts: readonly string[];
  keyless: boolean;
}): (host: string | null, origin: string | null) => ApiError | undefined {
  const anyHost = options.allowedHosts.includes("*");
  const allowed = new Set(options.allowedHosts);
  const seen = new Map<string, boolean>();
  const hostAllowed = (host: string): boolean => {
    let ok = seen.get(host);
    if (ok === undefined) {
      const name = normalizeHostName(host);
      ok = (anyHost || allowed.has(name)) && (!options.keyless || isLoopback(name));
      if (seen.size > 500) seen.clear();
      seen.set(host, ok);
    }
    return ok;
  };
  return (host, origin) => {
    if (host === null || !hostAllowed(host)) {
      const message = options.keyless
        ? "this server runs without API keys and answers only requests addressed to a loopback name (localhost, 127.0.0.1, ::1)"
        : "the Host header names no address this server answers to; add the name with --allowed-hosts";
      return new ApiError("HOST_NOT_ALLOWED", message, [
        { path: "header.host", message: "not an allowed host" },
      ]);
    }
    if (options.keyless && origin !== null) {
      const name = originHostName(origin);
      if (name === undefined || !isLoopback(name)) {
        return new ApiError(
          "ORIGIN_NOT_ALLOWED",
          "this server runs without API keys, so it refuses requests made by pages of other sites; create a key to call it from elsewhere",
          [{ path: "header.origin", message: "not a loopback origin" }],
        );
      }
    }
    return undefined;
  };
}

/** The media type of a Content-Type header, without parameters, in lower case ("" when absent). */
function mediaType(contentType: string | null): string {
  if (contentType === null) return "";
  const semi = contentType.indexOf(";");
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/**
 * A JSON route takes `application/json`, an upload `text/csv`. A browser page can send a cross-site POST
 * without asking first only as text/plain, a form or multipart, so none of those reaches a handler.
 */
export function checkContentType(contentType: string | null, expected: string): ApiError | undefined {
  if (mediaType(contentType) === expected) return undefined;
  const message = `must be ${expected}`;
  return new ApiError(
    "UNSUPPORTED_MEDIA_TYPE",
    `the request body must be sent as ${expected} (Content-Type: ${expected})`,
    [{ path: "header.content-type", message }],
  );
}
