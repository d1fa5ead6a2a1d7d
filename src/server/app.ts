import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Issue } from "../core/errors.js";
import { packageRoot } from "../node/package-info.js";
import { type HeaderReader, readBodyText } from "./body.js";
import { DOCS_CSP, docsHtml } from "./docs-page.js";
import { ApiError, errorJson, toApiError, zodIssues } from "./errors.js";
import { type ApiKeyInfo, hashKey } from "./keys/key-store.js";
import { buildOpenApi } from "./openapi.js";
import { RateLimiter } from "./rate-limit.js";
import {
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

/** How long a key lookup is trusted: a revocation reaches every server within this time. */
const KEY_CACHE_MS = 5_000;
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

/** The one JSON shape of an error, with its status (or `status`) and the error's own headers. */
function errorResponse(
  error: ApiError,
  requestId: string,
  headers: Record<string, string>,
  status = error.status,
): Response {
  return jsonResponse(JSON.stringify(errorJson(error, requestId)), status, { ...error.headers, ...headers });
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
export function createApp(deps: AppDeps): Hono {
  const { config, logger, metrics, state } = deps;
  const app = new Hono();
  const limiter = new RateLimiter(config.rateLimit, config.rateBurst);
  const keyCache = new Map<string, { info: ApiKeyInfo | undefined; until: number }>();
  let keysExist: { value: boolean; until: number } | undefined;

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
      if (config.authMode === "open-loopback") {
        // Without keys on loopback the server is open; it closes as soon as the first key is created.
        const now = Date.now();
        if (!keysExist || keysExist.until < now) {
          keysExist = { value: (await deps.keys.countActive()) > 0, until: now + 2_000 };
        }
        if (!keysExist.value) return LOCAL;
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
      entry = { info: await deps.keys.findByHash(hashKey(key)), until: now + KEY_CACHE_MS };
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
    if (issues.length > 0) {
      const lines = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
      throw new ApiError("INVALID_INPUT", `invalid request: ${lines}`, issues);
    }
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
          for (const [name, value] of Object.entries(own())) response.headers.set(name, value);
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
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
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
  ];
  for (const r of docRoutes) mount(r);

  // The web UI (dist/web) answers GETs no route took, except under the API's own paths. It registers no
  // route, so the route table and /openapi.json stay the API only.
  const staticUi = createStaticHandler(config.webDir ?? join(packageRoot, "dist", "web"));
  app.notFound((c) => {
    const ui = staticUi(c.req.method, c.req.path);
    if (ui) return ui;
    const requestId = randomUUID();
    metrics.request(c.req.method.toLowerCase(), "unmatched", 404, 0);
    return errorResponse(
      new ApiError("ROUTE_NOT_FOUND", `no route ${c.req.method} ${c.req.path}; see /docs`),
      requestId,
      { "x-request-id": requestId },
    );
  });
  app.onError((error, c) => {
    const requestId = randomUUID();
    logger.log("error", "unhandled", { requestId, path: c.req.path, error: String(error) });
    return errorResponse(toApiError(error), requestId, { "x-request-id": requestId }, 500);
  });
  return app;
}
