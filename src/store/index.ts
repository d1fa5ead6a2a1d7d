import { join } from "node:path";
import type { AuditStore } from "./audit-store.js";
import { openPostgresAuditStore } from "./postgres/postgres-audit-store.js";
import { openSqliteAuditStore } from "./sqlite/sqlite-audit-store.js";

export type * from "./audit-store.js";
export { openPostgresAuditStore } from "./postgres/postgres-audit-store.js";
export { openSqliteAuditStore } from "./sqlite/sqlite-audit-store.js";

export const DEFAULT_DATA_DIR = "./chipgate-data";
export const SQLITE_FILE_NAME = "audit.sqlite";

/** The SQLite file of the trail in `dataDir`. */
export function sqliteAuditFile(dataDir: string = DEFAULT_DATA_DIR): string {
  return join(dataDir, SQLITE_FILE_NAME);
}

/**
 * Opens the audit trail: PostgreSQL when `databaseUrl` is given, else SQLite in `dataDir`
 * (default ./chipgate-data/audit.sqlite). Callers pass `process.env.DATABASE_URL` themselves.
 *
 * @example const store = await openAuditStore({ databaseUrl: process.env.DATABASE_URL, dataDir: opts.dataDir });
 */
export async function openAuditStore(options: {
  dataDir?: string;
  databaseUrl?: string;
}): Promise<AuditStore> {
  if (options.databaseUrl) return openPostgresAuditStore({ databaseUrl: options.databaseUrl });
  return openSqliteAuditStore({ file: sqliteAuditFile(options.dataDir) });
}
