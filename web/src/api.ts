/** The HTTP API client: every call carries the session's key, and every failure becomes plain words. */

const KEY_STORAGE = "chipgate.apiKey";

export type Role = "viewer" | "analyst" | "admin";
export const roleRank: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setKey(key: string | null): void {
  if (key === null) sessionStorage.removeItem(KEY_STORAGE);
  else sessionStorage.setItem(KEY_STORAGE, key);
}

export interface Issue {
  path: string;
  message: string;
}

/** A failed API call, with a message written for the person using the page. */
export class ApiFailure extends Error {
  override readonly name = "ApiFailure";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
    readonly requestId: string | null = null,
    readonly serverMessage: string = message,
  ) {
    super(message);
  }
}

const plainWords: Record<string, string> = {
  UNAUTHORIZED: "The server needs an API key. Sign in with a key to continue.",
  FORBIDDEN: "Your key's role does not allow this.",
  NOT_FOUND: "Not found.",
  ROUTE_NOT_FOUND: "The server does not offer this function (is it an older version?).",
  PAYLOAD_TOO_LARGE: "The file or form is larger than the server accepts.",
  RATE_LIMITED: "Too many requests in a short time. Wait a moment and try again.",
  NOT_READY: "The server is still loading its data or is restarting. Try again in a few seconds.",
  AUDIT_STORE_ERROR: "The audit trail's database is not answering; nothing was recorded. Try again shortly.",
  INVALID_INPUT: "Some fields need attention.",
  SCREENING_DATA_INVALID: "The screening list file is not valid; nothing was replaced.",
  INTERNAL: "The server hit an internal error.",
};

async function failureOf(res: Response): Promise<ApiFailure> {
  let body: { error?: { code?: string; message?: string; requestId?: string; issues?: Issue[] } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not our error shape (a proxy, or the server went away): describe the status.
  }
  const e = body.error ?? {};
  const code = e.code ?? `HTTP_${res.status}`;
  const serverMessage = e.message ?? res.statusText ?? `HTTP ${res.status}`;
  let message = plainWords[code] ?? `The server answered ${res.status}.`;
  if (code === "FORBIDDEN" || code === "NOT_FOUND") message = `${message} ${serverMessage}`;
  return new ApiFailure(res.status, code, message, e.issues ?? [], e.requestId ?? null, serverMessage);
}

export interface CallOptions {
  method?: "GET" | "POST" | "DELETE";
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  signal?: AbortSignal;
}

export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  const key = getKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.contentType) {
    headers["content-type"] = options.contentType;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      ...(body !== undefined && { body }),
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiFailure(0, "NETWORK", "The server cannot be reached. Is `chipgate serve` still running?");
  }
  if (!res.ok) throw await failureOf(res);
  return res;
}

export async function api<T>(path: string, options: CallOptions = {}): Promise<T> {
  const res = await call(path, options);
  return (await res.json()) as T;
}

export const isAbort = (error: unknown) => (error as Error | null)?.name === "AbortError";

/** Builds a query string, leaving out empty values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}
