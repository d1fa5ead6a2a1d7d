import type { Command } from "commander";
import { ChipGateError } from "../core/errors.js";
import { CONTROL_CHARACTERS } from "../server/keys/key-store.js";
import { DEFAULT_DATA_DIR } from "../store/index.js";
import { action, printJson } from "./run.js";

function invalid(flag: string, message: string): ChipGateError {
  return new ChipGateError("INVALID_INPUT", `${flag}: ${message}`, [{ path: flag, message }]);
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw invalid(flag, `'${value}' is not a whole number from ${min} to ${max}`);
  return n;
}

/**
 * A text safe to print to a terminal: control characters (an escape sequence can rewrite the screen or the
 * window title) are shown as \u escapes. Names made before control characters were refused may hold them.
 */
export function printable(text: string): string {
  return text.replace(
    new RegExp(CONTROL_CHARACTERS.source, "g"),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

interface ServeFlags {
  host: string;
  port: string;
  dataDir: string;
  databaseUrl?: string;
  rateLimit: string;
  rateBurst?: string;
  maxBodyBytes: string;
  maxUploadBytes: string;
  corsOrigin?: string[];
  logLevel: string;
  logScreenedNames?: boolean;
  screenCache: string;
  screenThread?: boolean;
  open?: boolean;
  allowedHosts?: string[];
}

interface StoreFlags {
  dataDir: string;
  databaseUrl?: string;
  json?: boolean;
}

function storeFlags(command: Command): Command {
  return command
    .option("--data-dir <dir>", "data directory (SQLite trail and keys: audit.sqlite)", DEFAULT_DATA_DIR)
    .option("--database-url <url>", "PostgreSQL URL shared by several servers; default $DATABASE_URL");
}

export function registerServerCommands(program: Command): void {
  storeFlags(
    program
      .command("serve")
      .description("Serve the HTTP API (see /docs and docs/http-api.md); stops gracefully on SIGTERM/SIGINT"),
  )
    .option(
      "--host <address>",
      "address to listen on; a non-loopback one needs an API key to exist",
      "127.0.0.1",
    )
    .option("--port <n>", "port (0 picks a free one)", "8080")
    .option("--rate-limit <n>", "requests per second per API key, 0 = no limit", "200")
    .option("--rate-burst <n>", "requests a key may send at once (default: twice --rate-limit)")
    .option("--max-body-bytes <n>", "largest JSON body", String(1024 * 1024))
    .option(
      "--max-upload-bytes <n>",
      "largest CSV upload (streamed screening, data import)",
      String(256 * 1024 * 1024),
    )
    .option(
      "--cors-origin <origin>",
      "allow browser calls from this origin (repeatable); no CORS headers without it",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option("--log-level <level>", `${LOG_LEVELS.join(", ")}`, "info")
    .option(
      "--log-screened-names",
      "also log the names being screened (off by default: they are personal data)",
    )
    .option("--screen-cache <n>", "screening results kept for repeated names, 0 = none", "10000")
    .option(
      "--no-screen-thread",
      "screen names on the server's own thread, not on a second one with its own copy of the list",
    )
    .option(
      "--open",
      "serve requests without a key as admin even though keys were created (loopback only; for local use)",
    )
    .option(
      "--allowed-hosts <names>",
      "host names clients may address besides the bound address, comma-separated, repeatable; * for any (default $CHIPGATE_ALLOWED_HOSTS)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(",")],
    )
    .action(
      action(async (flags: ServeFlags) => {
        if (!(LOG_LEVELS as readonly string[]).includes(flags.logLevel)) {
          throw invalid("--log-level", `accepted: ${LOG_LEVELS.join(", ")}`);
        }
        const { startServer } = await import("../server/serve.js");
        const databaseUrl = flags.databaseUrl ?? process.env.DATABASE_URL;
        const rateLimit = wholeNumber("--rate-limit", flags.rateLimit, 0, 1e9);
        const server = await startServer({
          host: flags.host,
          port: wholeNumber("--port", flags.port, 0, 65535),
          dataDir: flags.dataDir,
          ...(databaseUrl ? { databaseUrl } : {}),
          rateLimit,
          ...(flags.rateBurst !== undefined && {
            rateBurst: wholeNumber("--rate-burst", flags.rateBurst, 1, 1e9),
          }),
          maxBodyBytes: wholeNumber("--max-body-bytes", flags.maxBodyBytes, 1024, 1024 ** 3),
          maxUploadBytes: wholeNumber("--max-upload-bytes", flags.maxUploadBytes, 1024, 1024 ** 4),
          corsOrigins: flags.corsOrigin ?? [],
          logLevel: flags.logLevel as (typeof LOG_LEVELS)[number],
          logScreenedNames: flags.logScreenedNames === true,
          screenCacheSize: wholeNumber("--screen-cache", flags.screenCache, 0, 10_000_000),
          screenThread: flags.screenThread !== false,
          shutdownTimeoutMs: 30_000,
          open: flags.open === true,
          allowedHosts: (flags.allowedHosts ?? (process.env.CHIPGATE_ALLOWED_HOSTS ?? "").split(","))
            .map((h) => h.trim())
            .filter((h) => h !== ""),
        });
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off("SIGTERM", stop);
            process.off("SIGINT", stop);
            server.close().then(resolve, (error: unknown) => {
              process.stderr.write(`chipgate: shutdown failed: ${String(error)}\n`);
              process.exitCode = 1;
              resolve();
            });
          };
          process.on("SIGTERM", stop);
          process.on("SIGINT", stop);
        });
      }),
    );

  const keys = program
    .command("keys")
    .description(
      "API keys of the HTTP API: created with a role, printed once, stored only as a SHA-256 hash",
    );

  const open = async (flags: StoreFlags) => {
    const { openKeyStore } = await import("../server/keys/key-store.js");
    const databaseUrl = flags.databaseUrl ?? process.env.DATABASE_URL;
    return openKeyStore({ dataDir: flags.dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  };

  storeFlags(keys.command("create").description("Create a key and print it (the only time it is shown)"))
    .requiredOption(
      "--role <role>",
      "viewer (reads), analyst (also classifies, screens, decides) or admin (also imports data, manages keys, exports the trail)",
    )
    .option("--name <name>", "who or what uses the key, for `keys list`")
    .option("--json", "print JSON")
    .action(
      action(async (flags: StoreFlags & { role: string; name?: string }) => {
        const store = await open(flags);
        try {
          const { key, info } = await store.create({
            role: flags.role as "viewer",
            ...(flags.name !== undefined && { name: flags.name }),
          });
          if (flags.json) printJson({ key, ...info });
          else {
            process.stdout.write(`${key}\n`);
            process.stderr.write(
              `created ${info.role} key ${info.id}${info.name ? ` (${info.name})` : ""} in ${store.location}. It is shown only now: store it in a secret manager. Send it as "Authorization: Bearer <key>".\n`,
            );
          }
        } finally {
          await store.close();
        }
      }),
    );

  storeFlags(keys.command("list").description("List keys: id, name, role, created, revoked (never the key)"))
    .option("--json", "print JSON")
    .action(
      action(async (flags: StoreFlags) => {
        const store = await open(flags);
        try {
          const list = await store.list();
          if (flags.json) {
            printJson(list);
            return;
          }
          if (list.length === 0) {
            process.stdout.write("no API keys; create one with `chipgate keys create --role admin`\n");
            return;
          }
          for (const k of list) {
            process.stdout.write(
              `${k.id}  ${k.role.padEnd(7)}  ${k.createdAt}  ${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}  ${printable(k.name ?? "")}\n`,
            );
          }
        } finally {
          await store.close();
        }
      }),
    );

  storeFlags(
    keys.command("revoke").description("Revoke a key by id; running servers refuse it within a second"),
  )
    .argument("<id>", "key id, as `keys list` shows it")
    .option("--json", "print JSON")
    .action(
      action(async (id: string, flags: StoreFlags) => {
        const store = await open(flags);
        try {
          const info = await store.revoke(id);
          if (!info) {
            throw new ChipGateError("NOT_FOUND", `no API key with id '${id}'; see \`chipgate keys list\``, [
              { path: "id", message: "no such key" },
            ]);
          }
          if (flags.json) printJson(info);
          else process.stdout.write(`revoked ${info.id} (${info.role}) at ${info.revokedAt}\n`);
        } finally {
          await store.close();
        }
      }),
    );
}
