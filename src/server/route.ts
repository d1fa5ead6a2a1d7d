import type { z } from "zod";
import type { Issue } from "../core/errors.js";
import type { AuditStore } from "../store/index.js";
import type { KeyStore, Role } from "./keys/key-store.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./metrics.js";
import type { LoadedData, ServerState } from "./state.js";

/** Who may call a route: anyone (`public`), or a key whose role is at least this one. */
export type Access = Role | "public";

export const roleRank: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

export interface Principal {
  /** Id of the API key; null when the server runs without keys on loopback. */
  keyId: string | null;
  role: Role;
  /** Recorded as the actor of decisions: `key:<id>`, or `local` without keys. */
  actor: string;
}

export interface AppConfig {
  /**
   * `open-loopback` (keyless mode): no key was ever created, or the operator passed `--open`, and the server
   * listens on loopback only (see serve.ts). Requests without a key are served as admin; Host and Origin must
   * be loopback.
   */
  authMode: "keys" | "open-loopback";
  /** `--open`: keyless mode lasts while the server runs, even once keys exist. */
  keepOpen?: boolean;
  /** Host names a request's Host header may name (see guards.ts); default the loopback names. */
  allowedHosts?: readonly string[];
  /** Requests per second per key; 0 turns limiting off. */
  rateLimit: number;
  rateBurst?: number;
  maxBodyBytes: number;
  maxUploadBytes: number;
  corsOrigins: readonly string[];
  logScreenedNames: boolean;
  dataDir: string;
  /** The built web UI served at `/`; default dist/web in the package root. */
  webDir?: string;
}

export interface AppDeps {
  state: ServerState;
  store: AuditStore;
  keys: KeyStore;
  config: AppConfig;
  logger: Logger;
  metrics: Metrics;
}

export interface HandlerContext<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  /** The JSON body as sent, before defaults and transforms (what a decision records as its input). */
  rawJson: unknown;
  request: Request;
  principal: Principal;
  requestId: string;
  deps: AppDeps;
  /** The loaded data; routes that run before readiness (`ready: false`) must not touch it. */
  data: LoadedData;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ResponseSpec {
  description: string;
  /** Default application/json. */
  contentType?: string;
  schema?: z.ZodType;
}

/**
 * One row of the route table. The router validates with `query`, `params` and `body`; the OpenAPI document is
 * generated from the same schemas, so the two cannot drift apart.
 */
export interface Route<
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: "get" | "post" | "delete";
  /** OpenAPI form: /v1/chips/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  /** Whether the route waits for data and database (503 before); default true. */
  ready?: boolean;
  query?: Q;
  params?: P;
  body?: B;
  /** A body that the handler reads as a stream itself (CSV uploads); limited by `maxUploadBytes`. */
  rawBody?: { contentType: string; description: string };
  /** Rewrites body issues when the schema's own are too coarse (a union reporting every alternative). */
  bodyIssues?: (raw: unknown, issues: Issue[]) => Issue[];
  responses: Record<number, ResponseSpec>;
  handler: (ctx: HandlerContext<Out<Q>, Out<P>, Out<B>>) => unknown;
}

/** Keeps the handler's types tied to the schemas of its own row. */
export function route<
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(r: Route<Q, P, B>): Route {
  return r as unknown as Route;
}

/** Headers of every API answer: never sniffed as another type, never kept by a cache (answers hold data). */
export const API_HEADERS = { "x-content-type-options": "nosniff", "cache-control": "no-store" } as const;

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", ...API_HEADERS } as const;

/**
 * A handler's JSON answer, already serialized, with its status and any headers of its own; the router adds
 * `content-type` and `x-request-id` when it builds the one Response. (Setting a header on a finished Response
 * would turn @hono/node-server's plain header object into a Headers instance on every request.)
 */
export class JsonReply {
  constructor(
    readonly text: string,
    readonly status = 200,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/** Serializes `value` as the answer. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): JsonReply {
  return new JsonReply(JSON.stringify(value), status, headers);
}

/** An answer serialized earlier (a cached text), sent as it is. */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}): JsonReply {
  return new JsonReply(text, status, headers);
}

/** The Response of a JSON text. */
export function jsonResponse(text: string, status: number, headers: Record<string, string>): Response {
  return new Response(text, { status, headers: { ...JSON_HEADERS, ...headers } });
}
