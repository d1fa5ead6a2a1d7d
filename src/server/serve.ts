import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { ChipGateError } from "../core/errors.js";
import { createDecisionService } from "../node/decision-service.js";
import { loadEngine } from "../node/engine.js";
import { loadScreeningDataset, type ScreenThread, startScreenThread } from "../node/screening/index.js";
import { type AuditStore, openAuditStore } from "../store/index.js";
import { createApp } from "./app.js";
import { allowedHostNames, isLoopback } from "./guards.js";
import { type KeyStore, openKeyStore } from "./keys/key-store.js";
import { createLogger, type Logger, type LogLevel } from "./logger.js";
import { Metrics } from "./metrics.js";
import { ServerState } from "./state.js";

export interface ServeOptions {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  /** Requests per second per key; 0 turns limiting off. */
  rateLimit: number;
  rateBurst?: number;
  maxBodyBytes: number;
  maxUploadBytes: number;
  corsOrigins: readonly string[];
  logLevel: LogLevel;
  logScreenedNames: boolean;
  screenCacheSize: number;
  /** Screen names the cache does not hold on a second thread with its own copy of the list (default true). */
  screenThread?: boolean;
  /** How long shutdown waits for requests in flight before closing their connections. */
  shutdownTimeoutMs: number;
  /** `--open`: serve requests without a key as admin (loopback only) even though keys were created. */
  open?: boolean;
  /** Host names requests may be addressed to besides the bound address (`--allowed-hosts`); `*` for any. */
  allowedHosts?: readonly string[];
  logger?: Logger;
}

export const serveDefaults = {
  host: "127.0.0.1",
  port: 8080,
  rateLimit: 200,
  maxBodyBytes: 1024 * 1024,
  maxUploadBytes: 256 * 1024 * 1024,
  screenCacheSize: 10_000,
  shutdownTimeoutMs: 30_000,
} as const;

export interface RunningServer {
  url: string;
  port: number;
  state: ServerState;
  /** Settles once data is loaded (or failed to load). */
  loaded: Promise<void>;
  /** Stops accepting, lets requests in flight finish, then closes the trail (appends in flight complete). */
  close(): Promise<void>;
}

/** Opens the trail and the key table, listens, then loads the data; /readyz turns 200 when it is loaded. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(options.logLevel);
  const storeArgs = {
    dataDir: options.dataDir,
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
  };
  const store: AuditStore = await openAuditStore(storeArgs);
  let keys: KeyStore;
  try {
    keys = await openKeyStore(storeArgs);
  } catch (error) {
    await store.close();
    throw error;
  }
  // Keyless mode is entered only while no key was ever created (revoking every key does not reopen it), or
  // when the operator asks for it with --open; either way only on loopback.
  const keyless = options.open === true || (await keys.countAll()) === 0;
  if (keyless && !isLoopback(options.host)) {
    await keys.close();
    await store.close();
    const where = options.databaseUrl ? "--database-url <same url>" : `--data-dir ${options.dataDir}`;
    throw new ChipGateError(
      "INVALID_INPUT",
      options.open
        ? `refusing to listen on ${options.host} with --open: a server without keys listens on loopback only (127.0.0.1); drop --open to require keys.`
        : `refusing to listen on ${options.host}: no API key exists, so anyone who can reach this address could use the API. Create one first with \`chipgate keys create --role admin --name <who> ${where}\`, then start again (or listen on 127.0.0.1).`,
      [{ path: "--host", message: "non-loopback address without API keys" }],
    );
  }
  const state = new ServerState(options.screenCacheSize);
  const metrics = new Metrics();
  const app = createApp({
    state,
    store,
    keys,
    logger,
    metrics,
    config: {
      authMode: keyless ? "open-loopback" : "keys",
      keepOpen: options.open === true,
      allowedHosts: allowedHostNames(options.host, options.allowedHosts),
      rateLimit: options.rateLimit,
      ...(options.rateBurst !== undefined && { rateBurst: options.rateBurst }),
      maxBodyBytes: options.maxBodyBytes,
      maxUploadBytes: options.maxUploadBytes,
      corsOrigins: options.corsOrigins,
      logScreenedNames: options.logScreenedNames,
      dataDir: options.dataDir,
    },
  });

  const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  } catch (error) {
    await keys.close();
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new ChipGateError(
      "INVALID_INPUT",
      `cannot listen on ${options.host}:${options.port}: ${code === "EADDRINUSE" ? "the port is in use" : (error as Error).message}`,
      [{ path: "--port", message: code ?? "listen failed" }],
    );
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  logger.log("info", "listening", {
    url,
    store: store.dialect,
    auth: keyless
      ? `open (${options.open ? "--open" : "no API key was ever created"}; loopback only)`
      : "api keys",
    rateLimit: options.rateLimit,
  });
  if (keyless) {
    logger.log(
      "warn",
      options.open
        ? "--open: requests without a key are served with the admin role (loopback only)"
        : "no API key exists: requests without a key are served with the admin role until one is created",
      { hint: "chipgate keys create --role admin" },
    );
  }

  let screenThread: ScreenThread | undefined;
  const loaded = (async () => {
    const started = performance.now();
    // Let the listening socket answer /healthz before the synchronous part of loading runs.
    await new Promise((r) => setImmediate(r));
    const engine = loadEngine();
    const screening = await loadScreeningDataset({ dataDir: options.dataDir });
    // Started once this thread has loaded the list, so that the thread loads the index this load kept in
    // the data directory's cache instead of building its own at the same time.
    screenThread = options.screenThread === false ? undefined : startScreenThread(options.dataDir);
    const decisions = createDecisionService({
      engine,
      screening: () => state.data!.screening,
      store,
      screenCacheSize: state.screenCacheSize,
    });
    state.setData(engine, screening, decisions, screenThread);
    logger.log("info", "ready", {
      ms: Math.round(performance.now() - started),
      ruleData: engine.rules.version,
      chips: engine.catalog.length,
      screeningList: screening.version.hash.slice(0, 12),
    });
  })().catch((error: unknown) => {
    state.loadError = error instanceof Error ? error.message : String(error);
    logger.log("error", "data failed to load", { error: state.loadError });
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      state.draining = true;
      logger.log("info", "shutting down: finishing requests in flight");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const httpServer = server as import("node:http").Server;
      httpServer.closeIdleConnections();
      const timer = setTimeout(() => httpServer.closeAllConnections(), options.shutdownTimeoutMs);
      await closed;
      clearTimeout(timer);
      await loaded;
      await screenThread?.close();
      await store.close();
      await keys.close();
      logger.log("info", "stopped");
      logger.flush();
    })();
    return closing;
  };
  return { url, port, state, loaded, close };
}
