import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Issue } from "../core/errors.js";
import { invalidInput } from "../core/issues.js";
import { packageRoot } from "../node/package-info.js";
import { type HeaderReader, readBodyText } from "./body.js";
import { DOCS_CSP, docsHtml, docsScript } from "./docs-page.js";
import { ApiError, errorJson, toApiError, zodIssues } from "./errors.js";
import { checkContentType, requestGuard } from "./guards.js";
import { type ApiKeyInfo, hashKey, type KeyStore } from "./keys/key-store.js";
import { buildOpenApi } from "./openapi.js";
import { RateLimiter } from "./rate-limit.js";
import {
  API_HEADERS,
  type AppDeps,
  JsonReply,
  jsonResponse,
  type Principal,
  type Route,
  roleRank,
  route,
} from "./route.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { catalogRoutes } from "./routes/catalog.js";
import { keyRoutes } from "./routes/keys.js";
import { recordRoutes } from "./routes/records.js";
import { screeningRoutes } from "./routes/screening.js";
import { createStaticHandler } from "./static.js";

export type { AppConfig, AppDeps } from "./route.js";

/**
 * How long a key lookup, and the keyless mode's "no key was ever created", is trusted: a revocation or a
 * first key made through another server (or the CLI) takes effect here within this time. One made through
 * this server takes effect at once.
 */
const KEY_CACHE_MS = 1_000;
const LOCAL: Principal = { keyId: null, role: "admin", actor: "local" };
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const systemRoutes: Route[] = [
  route({
    method: "get",
    path: "/healthz",
    operationId: "healthz",
    summary: "Alive: the process answers HTTP",
    tag: "system",
    access: "public",
    ready: false,
    responses: { 200: { description: '`{"status": "ok"}`' } },
    handler: () => ({ status: "ok" }),
  }),
  route({
    method: "get",
    path: "/readyz",
    operationId: "readyz",
    summary: "Ready: data loaded and the database reachable",
    tag: "system",
    access: "public",
    ready: false,
    responses: { 200: { description: '`{"status": "ready", "checks": {...}}`' } },
    async handler({ deps }) {
      const issues: Issue[] = [];
      if (deps.state.draining) issues.push({ path: "server", message: "shutting down" });
      if (!deps.state.data) {
        issues.push({
          path: "data",
          message: deps.state.loadError ?? "rules, catalog and screening list loading",
        });
      }
      try {
        await withTimeout(deps.store.ping(), 2_000, "no answer within 2 s");
      } catch (error) {
        issues.push({ path: "database", message: (error as Error).message });
      }
      if (issues.length > 0) {
        throw new ApiError(
          "NOT_READY",
          `not ready: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
          issues,
          {
            "retry-after": "1",
          },
        );
      }
      return { status: "ready", checks: { data: "loaded", database: "ok" } };
    },
  }),
  route({
    method: "get",
    path: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics of this process: requests and latencies by route, screenings, decisions",
    tag: "system",
    access: "viewer",
    ready: false,
    responses: { 200: { description: "Prometheus text format 0.0.4.", contentType: "text/plain" } },
    handler: ({ deps }) =>
      new Response(deps.metrics.render({ ready: deps.state.data !== undefined && !deps.state.draining }), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      }),
  }),
];

/** Every route the server answers; /openapi.json and /docs are added around them by createApp. */
export const apiRoutes: readonly Route[] = [
  ...systemRoutes,
  ...catalogRoutes,
  ...analyticsRoutes,
  ...screeningRoutes,
  ...recordRoutes,
  ...keyRoutes,
];

/** What @hono/node-server passes as the env of a request. */
interface NodeBindings {
  incoming?: IncomingMessage;
}

/**
 * Reads request headers from Node's parsed header object when the request came through @hono/node-server:
 * `request.headers` would build a WHATWG Headers object on every request. In-process requests (tests'
 * `app.request()`) read the Request's own headers. Repeated headers are joined with ", " either way.
 */
function headerReader(request: Request, incoming: IncomingMessage | undefined): HeaderReader {
  if (!incoming) return (name) => request.headers.get(name);
  const headers = incoming.headers;
  return (name) => {
    const value = headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  };
}

/** The host a request was addressed to when no Host header was read (in-process requests): its URL's. */
function hostOf(request: Request): string | null {
  try {
    return new URL(request.url).host;
  } catch {
    return null;
  }
}

/** The one JSON shape of an error, with its status (or `status`) and the error's own headers. */
function errorResponse(
  error: ApiError,
  requestId: string,
  headers: Record<string, string>,
  status = error.status,
): Response {
  return jsonResponse(JSON.stringify(errorJson(error, requestId)), status, { ...error.headers, ...headers });
}

/**
 * What a log line may say about an error: its name, code and stack frames, but not its message unless the
 * operator opted in (`--log-screened-names`), because a message can quote the input (a screened name, a CSV
 * cell) and logs are kept longer and read more widely than answers.
 */
export function errorForLog(error: unknown, withMessage: boolean): string {
  if (!(error instanceof Error)) return withMessage ? String(error) : typeof error;
  if (withMessage) return error.stack ?? error.message;
  const code = (error as { code?: unknown }).code;
  const frames = (error.stack ?? "").split("\n").filter((l) => l.startsWith("    at "));
  return [`${error.name}${typeof code === "string" ? ` ${code}` : ""} (message not logged)`, ...frames].join(
    "\n",
  );
}

/** A route's path template as a pattern of concrete paths: /v1/chips/{id} matches /v1/chips/anything. */
function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\./g, "\\.").replace(/\{\w+\}/g, "[^/]+")}$`);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The whole HTTP API as a Hono app, with no port: `serve.ts` binds it, tests call `app.request()`.
 *
 * @example const app = createApp(deps); const res = await app.request("/healthz");
 */
export function createApp(appDeps: AppDeps): Hono {
  const { config, logger, metrics, state } = appDeps;
  const app = new Hono();
  const limiter = new RateLimiter(config.rateLimit, config.rateBurst);
  const keyCache = new Map<string, { info: ApiKeyInfo | undefined; until: number }>();
  const keyless = config.authMode === "open-loopback";
  // Whether a key was ever created: keyless mode ends with the first key, and revoking keys never reopens it.
  let keysCreated: { value: boolean; until: number } | undefined;
  const guard = requestGuard({
    allowedHosts: config.allowedHosts ?? ["localhost", "127.0.0.1", "::1"],
    keyless,
  });

  // The key table as the routes see it: a key created or revoked through this server counts here at once,
  // not when the cached lookups expire.
  const keys: KeyStore = {
    ...appDeps.keys,
    async create(options) {
      const created = await appDeps.keys.create(options);
      keysCreated = { value: true, until: Number.POSITIVE_INFINITY };
      return created;
    },
    async revoke(id) {
      const info = await appDeps.keys.revoke(id);
      for (const [key, entry] of keyCache) if (entry.info?.id === id) keyCache.delete(key);
      return info;
    },
  };
  const deps: AppDeps = { ...appDeps, keys };

  if (config.corsOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: [...config.corsOrigins],
        allowHeaders: ["Authorization", "X-API-Key", "Content-Type", "X-Request-Id"],
        allowMethods: ["GET", "POST", "DELETE"],
        exposeHeaders: ["X-Request-Id", "Retry-After", "Location"],
        maxAge: 600,
      }),
    );
  }

  async function authenticate(header: HeaderReader): Promise<Principal> {
    const authorization = header("authorization");
    let key: string | null;
    if (authorization !== null) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m)
        throw new ApiError("UNAUTHORIZED", "the Authorization header must be `Bearer <key>`", [], {
          "www-authenticate": "Bearer",
        });
      key = m[1]!;
    } else {
      key = header("x-api-key");
    }
    if (key === null) {
      if (keyless) {
        // Without keys on loopback the server is open until a first key is created (with --open, for good).
        if (config.keepOpen) return LOCAL;
        const now = Date.now();
        if (!keysCreated || keysCreated.until < now) {
          const created = (await appDeps.keys.countAll()) > 0;
          // Once a key exists the answer never changes back: revoking every key does not reopen the server.
          keysCreated = { value: created, until: created ? Number.POSITIVE_INFINITY : now + KEY_CACHE_MS };
        }
        if (!keysCreated.value) return LOCAL;
      }
      throw new ApiError(
        "UNAUTHORIZED",
        "an API key is required: send `Authorization: Bearer <key>`; an admin creates one with `chipgate keys create --role viewer|analyst|admin`",
        [],
        { "www-authenticate": "Bearer" },
      );
    }
    const now = Date.now();
    // Keyed by the presented key itself, so a cache hit costs no hashing; only this process's memory holds it.
    let entry = keyCache.get(key);
    if (!entry || entry.until < now) {
      if (keyCache.size > 10_000) keyCache.clear();
      entry = { info: await appDeps.keys.findByHash(hashKey(key)), until: now + KEY_CACHE_MS };
      keyCache.set(key, entry);
    }
    const info = entry.info;
    if (!info || info.revokedAt !== null) {
      throw new ApiError("UNAUTHORIZED", "the API key is not valid (unknown or revoked)", [], {
        "www-authenticate": "Bearer",
      });
    }
    return { keyId: info.id, role: info.role, actor: `key:${info.id}` };
  }

  async function run(
    r: Route,
    request: Request,
    header: HeaderReader,
    params: Record<string, string>,
    query: () => Record<string, string>,
    requestId: string,
    onPrincipal: (p: Principal) => void,
  ): Promise<unknown> {
    let principal = LOCAL;
    if (r.access !== "public") {
      if (state.draining) {
        throw new ApiError("NOT_READY", "the server is shutting down; retry on another server", [], {
          "retry-after": "1",
          connection: "close",
        });
      }
      principal = await authenticate(header);
      onPrincipal(principal);
      const wait = limiter.take(principal.keyId ?? "local");
      if (wait > 0) {
        throw new ApiError(
          "RATE_LIMITED",
          `rate limit of ${config.rateLimit} requests/s for this key reached`,
          [],
          {
            "retry-after": String(Math.ceil(wait)),
          },
        );
      }
      if (roleRank[principal.role] < roleRank[r.access]) {
        throw new ApiError(
          "FORBIDDEN",
          `${r.operationId} needs the ${r.access} role or above; this key has the ${principal.role} role`,
        );
      }
    }
    if (r.ready !== false && !state.data) {
      throw new ApiError(
        "NOT_READY",
        state.loadError
          ? `data failed to load: ${state.loadError}`
          : "loading rules, catalog and screening list; retry shortly",
        [],
        { "retry-after": "1" },
      );
    }
    const issues: Issue[] = [];
    let parsedParams: unknown;
    let parsedQuery: unknown;
    let parsedBody: unknown;
    let raw: unknown;
    if (r.params) {
      const res = r.params.safeParse(params);
      if (res.success) parsedParams = res.data;
      else issues.push(...zodIssues(res.error.issues, "path"));
    }
    if (r.query) {
      const res = r.query.safeParse(query());
      if (res.success) parsedQuery = res.data;
      else issues.push(...zodIssues(res.error.issues, "query"));
    }
    const expected = r.body ? "application/json" : r.rawBody?.contentType;
    if (expected !== undefined) {
      const wrongType = checkContentType(header("content-type"), expected);
      if (wrongType) throw wrongType;
    }
    if (r.body) {
      const text = await readBodyText(request, config.maxBodyBytes, header);
      if (text.trim() === "") {
        issues.push({ path: "(body)", message: "a JSON body is required" });
      } else {
        try {
          raw = JSON.parse(text);
        } catch (error) {
          issues.push({ path: "(body)", message: `not valid JSON: ${(error as Error).message}` });
        }
      }
      if (raw !== undefined) {
        const res = r.body.safeParse(raw);
        if (res.success) parsedBody = res.data;
        else {
          const bodyIssues = zodIssues(res.error.issues, "");
          issues.push(...(r.bodyIssues ? r.bodyIssues(raw, bodyIssues) : bodyIssues));
        }
      }
    }
    if (issues.length > 0) throw invalidInput(issues);
    return r.handler({
      query: parsedQuery as never,
      params: parsedParams as never,
      body: parsedBody as never,
      rawJson: raw,
      request,
      principal,
      requestId,
      deps,
      data: state.data!,
    });
  }

  const mount = (r: Route) => {
    const honoPath = r.path.replace(/\{(\w+)\}/g, ":$1");
    app.on(r.method.toUpperCase(), honoPath, async (c) => {
      const started = performance.now();
      const request = c.req.raw;
      const header = headerReader(request, (c.env as NodeBindings | undefined)?.incoming);
      const given = header("x-request-id");
      const requestId = given !== null && REQUEST_ID.test(given) ? given : randomUUID();
      let principal: Principal | undefined;
      let response: Response;
      // Headers every answer carries; "connection: close" once shutdown began, so clients go elsewhere.
      const own = (): Record<string, string> => ({
        "x-request-id": requestId,
        ...(state.draining && { connection: "close" }),
      });
      try {
        const refused = guard(header("host") ?? hostOf(request), header("origin"));
        if (refused) throw refused;
        const result = await run(
          r,
          request,
          header,
          c.req.param() as Record<string, string>,
          () => c.req.query(),
          requestId,
          (p) => {
            principal = p;
          },
        );
        if (result instanceof JsonReply) {
          response = jsonResponse(result.text, result.status, { ...result.headers, ...own() });
        } else if (result instanceof Response) {
          response = result;
          for (const [name, value] of Object.entries({ ...API_HEADERS, ...own() }))
            response.headers.set(name, value);
        } else {
          response = jsonResponse(JSON.stringify(result), 200, own());
        }
      } catch (error) {
        const apiError = toApiError(error);
        if (apiError.status >= 500 && apiError.code !== "NOT_READY") {
          logger.log("error", "request failed", {
            requestId,
            route: r.path,
            code: apiError.code,
            error: errorForLog(error, config.logScreenedNames),
          });
        }
        response = errorResponse(apiError, requestId, own());
      }
      const seconds = (performance.now() - started) / 1000;
      metrics.request(r.method, r.path, response.status, seconds);
      logger.log("info", "request", {
        requestId,
        method: r.method.toUpperCase(),
        route: r.path,
        path: c.req.path,
        status: response.status,
        ms: Math.round(seconds * 10_000) / 10,
        ...(principal?.keyId && { keyId: principal.keyId }),
      });
      return response;
    });
  };
  for (const r of apiRoutes) mount(r);

  let openapiText: string | undefined;
  const docRoutes: Route[] = [
    route({
      method: "get",
      path: "/openapi.json",
      operationId: "openapi",
      summary: "This document",
      tag: "system",
      access: "public",
      ready: false,
      responses: { 200: { description: "OpenAPI 3.1." } },
      handler: () => {
        openapiText ??= JSON.stringify(buildOpenApi([...apiRoutes, ...docRoutes]));
        return new Response(openapiText, { headers: { "content-type": "application/json; charset=utf-8" } });
      },
    }),
    route({
      method: "get",
      path: "/docs",
      operationId: "docs",
      summary: "Interactive documentation (self-contained HTML)",
      tag: "system",
      access: "public",
      ready: false,
      responses: { 200: { description: "HTML page.", contentType: "text/html" } },
      handler: () =>
        new Response(docsHtml, {
          headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": DOCS_CSP },
        }),
    }),
    route({
      method: "get",
      path: "/docs/docs.js",
      operationId: "docsScript",
      summary: "The script of the interactive documentation (the page allows no inline script)",
      tag: "system",
      access: "public",
      ready: false,
      responses: { 200: { description: "JavaScript.", contentType: "text/javascript" } },
      handler: () =>
        new Response(docsScript, { headers: { "content-type": "text/javascript; charset=utf-8" } }),
    }),
  ];
  for (const r of docRoutes) mount(r);

  // A known path asked with another method is a 405 naming the methods it takes, not a 404.
  const patterns = [...apiRoutes, ...docRoutes].map((r) => ({
    pattern: pathPattern(r.path),
    method: r.method,
  }));
  const methodsOf = (path: string): string[] => {
    const methods = patterns.filter((p) => p.pattern.test(path)).map((p) => p.method.toUpperCase());
    if (methods.includes("GET")) methods.push("HEAD");
    return [...new Set(methods)];
  };

  // The web UI (dist/web) answers GETs no route took, except under the API's own paths. It registers no
  // route, so the route table and /openapi.json stay the API only.
  const staticUi = createStaticHandler(config.webDir ?? join(packageRoot, "dist", "web"));
  app.notFound((c) => {
    const request = c.req.raw;
    const header = headerReader(request, (c.env as NodeBindings | undefined)?.incoming);
    const requestId = randomUUID();
    const refused = guard(header("host") ?? hostOf(request), header("origin"));
    if (refused) {
      metrics.request(c.req.method.toLowerCase(), "unmatched", refused.status, 0);
      return errorResponse(refused, requestId, { "x-request-id": requestId });
    }
    const ui = staticUi(c.req.method, c.req.path);
    if (ui) return ui;
    const allowed = methodsOf(c.req.path);
    const error =
      allowed.length > 0
        ? new ApiError(
            "METHOD_NOT_ALLOWED",
            `${c.req.path} takes ${allowed.join(", ")}, not ${c.req.method}; see /docs`,
            [{ path: "method", message: `accepted: ${allowed.join(", ")}` }],
            { allow: allowed.join(", ") },
          )
        : new ApiError("ROUTE_NOT_FOUND", `no route ${c.req.method} ${c.req.path}; see /docs`);
    metrics.request(c.req.method.toLowerCase(), "unmatched", error.status, 0);
    return errorResponse(error, requestId, { "x-request-id": requestId });
  });
  app.onError((error, c) => {
    const requestId = randomUUID();
    logger.log("error", "unhandled", {
      requestId,
      route: c.req.routePath,
      error: errorForLog(error, config.logScreenedNames),
    });
    return errorResponse(toApiError(error), requestId, { "x-request-id": requestId }, 500);
  });
  return app;
}
