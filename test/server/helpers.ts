import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecisionService } from "../../src/node/decision-service.js";
import { type Engine, loadEngine } from "../../src/node/engine.js";
import { loadScreeningDataset, type ScreeningDataset } from "../../src/node/screening/index.js";
import { type AppConfig, createApp } from "../../src/server/app.js";
import { type KeyStore, openKeyStore, type Role } from "../../src/server/keys/key-store.js";
import { createLogger } from "../../src/server/logger.js";
import { Metrics } from "../../src/server/metrics.js";
import { ServerState } from "../../src/server/state.js";
import { type AuditStore, openAuditStore } from "../../src/store/index.js";

let data: Promise<{ engine: Engine; screening: ScreeningDataset }> | undefined;

/** Rules, catalog and the bundled screening list, loaded once per test file (it takes seconds). */
export function loadData(): Promise<{ engine: Engine; screening: ScreeningDataset }> {
  data ??= (async () => ({
    engine: loadEngine(),
    screening: await loadScreeningDataset({ dataDir: join(tmpdir(), "chipgate-no-import") }),
  }))();
  return data;
}

export interface TestServer {
  app: ReturnType<typeof createApp>;
  state: ServerState;
  store: AuditStore;
  keys: KeyStore;
  dataDir: string;
  /** Every log line the app wrote. */
  logs: string[];
  /** A key of each role. */
  key: Record<Role, string>;
  request(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function testServer(
  options: { config?: Partial<AppConfig>; loaded?: boolean; withKeys?: boolean } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "chipgate-server-"));
  const store = await openAuditStore({ dataDir });
  const keys = await openKeyStore({ dataDir });
  const key = {} as Record<Role, string>;
  if (options.withKeys !== false) {
    for (const role of ["viewer", "analyst", "admin"] as const) {
      key[role] = (await keys.create({ role, name: `test ${role}` })).key;
    }
  }
  const state = new ServerState(1000);
  if (options.loaded !== false) {
    const { engine, screening } = await loadData();
    const decisions = createDecisionService({ engine, screening: () => state.data!.screening, store });
    state.setData(engine, screening, decisions);
  }
  const logs: string[] = [];
  const logger = createLogger("info", (text) => logs.push(...text.trimEnd().split("\n")));
  const app = createApp({
    state,
    store,
    keys,
    logger,
    metrics: new Metrics(),
    config: {
      authMode: options.withKeys === false ? "open-loopback" : "keys",
      rateLimit: 0,
      maxBodyBytes: 64 * 1024,
      maxUploadBytes: 4 * 1024 * 1024,
      corsOrigins: [],
      logScreenedNames: false,
      dataDir,
      ...options.config,
    },
  });
  return {
    app,
    state,
    store,
    keys,
    dataDir,
    logs,
    key,
    request(path, init = {}) {
      const { key: k, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      const chosen = k === undefined ? key.admin : k;
      if (chosen) headers.set("authorization", `Bearer ${chosen}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      return Promise.resolve(
        app.request(path, {
          ...rest,
          headers,
          ...(json !== undefined && { method: rest.method ?? "POST", body: JSON.stringify(json) }),
        }),
      );
    },
    async close() {
      logger.flush();
      await store.close();
      await keys.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The documented error shape, asserted field by field. */
export async function errorOf(res: Response): Promise<{
  code: string;
  message: string;
  requestId: string;
  issues: { path: string; message: string }[];
}> {
  const body = (await res.json()) as {
    error: { code: string; message: string; requestId: string; issues: [] };
  };
  if (typeof body.error?.code !== "string" || !Array.isArray(body.error.issues)) {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  if (body.error.requestId !== res.headers.get("x-request-id"))
    throw new Error("request id differs from header");
  return body.error;
}
