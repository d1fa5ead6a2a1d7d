import type { IsoDate } from "../core/dates.js";
import { ChipGateError } from "../core/errors.js";
import {
  BIS_AGENCY_SLUG,
  type EarUpdate,
  FEDERAL_REGISTER_FIELDS,
  type FederalRegisterDocument,
  parseDocumentsPage,
  selectEarUpdates,
} from "../core/federal-register.js";
import { LIMITS } from "../core/limits.js";
import { engineVersion } from "./package-info.js";

/** The Federal Register's public API (no key): https://www.federalregister.gov/developers/documentation/api/v1 */
export const FEDERAL_REGISTER_API_URL = "https://www.federalregister.gov/api/v1";

export interface EarUpdatesQuery {
  /** First publication date to list (inclusive). */
  since: IsoDate;
  /** Base address of the API (default: the public one); `…/documents.json` is appended. */
  apiUrl?: string;
  pageSize?: number;
  maxPages?: number;
  maxPageBytes?: number;
  timeoutMs?: number;
}

export interface EarUpdates {
  since: IsoDate;
  apiUrl: string;
  /** Documents the API's answers held, before the date, agency and part filters. */
  scanned: number;
  documents: EarUpdate[];
}

/** REMOTE_SOURCE_ERROR naming the address (without its query, then whole, for a retry by hand) and the fault. */
function remoteError(address: string, what: string): ChipGateError {
  const withoutQuery = address.split("?")[0];
  return new ChipGateError(
    "REMOTE_SOURCE_ERROR",
    `cannot read the Federal Register API at ${withoutQuery}: ${what}.\n  request: ${address}\n  Nothing was listed; check the network or --api-url and try again.`,
  );
}

/** The `--api-url` value as a base address without a trailing slash, or INVALID_INPUT. */
export function normalizeApiUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash) {
    const message = `'${text}' is not a base address; expected http(s)://host[:port]/path without a query, e.g. ${FEDERAL_REGISTER_API_URL}`;
    throw new ChipGateError("INVALID_INPUT", `--api-url: ${message}`, [{ path: "--api-url", message }]);
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * The first request: every BIS document published on or after `since`, oldest first. It deliberately sends
 * no `conditions[cfr][…]`: the API takes one CFR part per query, so eight queries would be needed, and a
 * condition the API reads differently than we expect would silently hide documents. BIS publishes a few
 * hundred documents a year, so the parts are filtered here instead (selectEarUpdates).
 */
export function firstPageAddress(apiUrl: string, since: IsoDate, pageSize: number): string {
  const url = new URL(`${apiUrl}/documents.json`);
  url.searchParams.append("conditions[agencies][]", BIS_AGENCY_SLUG);
  url.searchParams.append("conditions[publication_date][gte]", since);
  for (const field of FEDERAL_REGISTER_FIELDS) url.searchParams.append("fields[]", field);
  url.searchParams.append("per_page", String(pageSize));
  url.searchParams.append("order", "oldest");
  return url.href;
}

/**
 * Where `next_page_url` leads. An address on the public API is moved onto `apiUrl`, so a mirror that serves
 * recorded answers unchanged keeps its reader on the mirror; any other host is refused rather than followed.
 */
export function nextPageAddress(next: string, current: string, apiUrl: string): string {
  let target: URL;
  try {
    target = new URL(next, current);
  } catch {
    throw remoteError(current, `its next_page_url '${next}' is not an address`);
  }
  if (target.href.startsWith(`${FEDERAL_REGISTER_API_URL}/`))
    return `${apiUrl}${target.href.slice(FEDERAL_REGISTER_API_URL.length)}`;
  const origin = new URL(apiUrl).origin;
  if (target.origin !== origin)
    throw remoteError(
      current,
      `its next_page_url leads to another host (${target.origin}); only ${origin} is read`,
    );
  return target.href;
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError")
    return `no complete answer within ${timeoutMs / 1000} s (timed out)`;
  const code = e.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused: nothing answers at that address (ECONNREFUSED)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `host name not found (${code}): offline, or a wrong --api-url`;
  if (code === "ECONNRESET") return "the connection was closed before the answer was complete (ECONNRESET)";
  return `the request failed: ${e.cause?.message ?? e.message ?? String(error)}${code ? ` (${code})` : ""}`;
}

/** The body as text, stopping after `maxBytes` (then `complete` is false). */
async function readBody(response: Response, maxBytes: number): Promise<{ text: string; complete: boolean }> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return { text: "", complete: false };
  }
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) return { text, complete: false };
    text += decoder.decode(chunk, { stream: true });
  }
  return { text: text + decoder.decode(), complete: true };
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 120)}…` : oneLine;
}

interface PageLimits {
  maxPageBytes: number;
  timeoutMs: number;
}

/** GETs one answer page and parses its JSON, or throws REMOTE_SOURCE_ERROR saying what failed. */
async function getJson(address: string, limits: PageLimits): Promise<unknown> {
  try {
    const response = await fetch(address, {
      headers: { accept: "application/json", "user-agent": `chipgate/${engineVersion} (rules updates)` },
      signal: AbortSignal.timeout(limits.timeoutMs),
    });
    if (!response.ok) {
      const body = await readBody(response, 2_000);
      const said = snippet(body.text);
      throw remoteError(
        address,
        `it answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${said ? ` ("${said}")` : ""}`,
      );
    }
    const body = await readBody(response, limits.maxPageBytes);
    if (!body.complete)
      throw remoteError(
        address,
        `the answer is larger than ${limits.maxPageBytes.toLocaleString("en-US")} bytes`,
      );
    try {
      return JSON.parse(body.text);
    } catch {
      const type = response.headers.get("content-type") ?? "none";
      const said = snippet(body.text);
      throw remoteError(
        address,
        `the answer is not JSON (content-type ${type}${said ? `; it begins "${said}"` : ""})`,
      );
    }
  } catch (error) {
    if (error instanceof ChipGateError) throw error;
    throw remoteError(address, describeFailure(error, limits.timeoutMs));
  }
}

/**
 * The BIS documents published since `since` that touch a watched EAR part, read from the Federal Register's
 * documents API page by page through `next_page_url`. Bounded by LIMITS: a query that needs more pages than
 * allowed fails rather than returning part of the list.
 */
export async function listEarUpdates(query: EarUpdatesQuery): Promise<EarUpdates> {
  const apiUrl = normalizeApiUrl(query.apiUrl ?? FEDERAL_REGISTER_API_URL);
  const pageSize = query.pageSize ?? LIMITS.federalRegisterPageSize;
  const maxPages = query.maxPages ?? LIMITS.federalRegisterPages;
  const limits: PageLimits = {
    maxPageBytes: query.maxPageBytes ?? LIMITS.federalRegisterPageBytes,
    timeoutMs: query.timeoutMs ?? LIMITS.federalRegisterTimeoutMs,
  };
  const tooMany = `give a later --since: this command reads at most ${maxPages} pages of ${pageSize} documents`;
  const read: FederalRegisterDocument[] = [];
  const visited = new Set<string>();
  let address: string | undefined = firstPageAddress(apiUrl, query.since, pageSize);
  while (address !== undefined) {
    if (visited.has(address))
      throw remoteError(address, "its next_page_url leads back to a page already read");
    if (visited.size === maxPages)
      throw remoteError(address, `there are more than ${maxPages} pages; ${tooMany}`);
    visited.add(address);
    const page = parseDocumentsPage(await getJson(address, limits), address);
    if (visited.size === 1 && page.count > maxPages * pageSize)
      throw remoteError(address, `it counts ${page.count} BIS documents since ${query.since}; ${tooMany}`);
    read.push(...(page.results ?? []));
    address = page.next_page_url ? nextPageAddress(page.next_page_url, address, apiUrl) : undefined;
  }
  return { since: query.since, apiUrl, scanned: read.length, documents: selectEarUpdates(read, query.since) };
}
