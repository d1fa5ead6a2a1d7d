import { createHash, randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { ChipGateError } from "../../core/errors.js";
import { LIMITS } from "../../core/limits.js";
import { ensurePrivateFile } from "../../node/private-files.js";
import { redactUrl } from "../../store/common.js";
import { DEFAULT_DATA_DIR, sqliteAuditFile } from "../../store/index.js";

export const roles = ["viewer", "analyst", "admin"] as const;
export type Role = (typeof roles)[number];

/** The key table, the same SQL for SQLite and PostgreSQL. */
const KEYS_TABLE = `CREATE TABLE IF NOT EXISTS chipgate_api_keys (
  id TEXT PRIMARY KEY,
  name TEXT,
  role TEXT NOT NULL CHECK (role IN (${roles.map((r) => `'${r}'`).join(", ")})),
  key_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
)`;

/** What is kept about a key: never the key itself, only its SHA-256. */
export interface ApiKeyInfo {
  id: string;
  name: string | null;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * API keys, in the same database as the audit trail (the SQLite file in the data directory, or the shared
 * PostgreSQL database), so every server sharing a trail accepts the same keys.
 */
export interface KeyStore {
  readonly location: string;
  /** Creates a key; the returned `key` is the only copy anywhere. */
  create(options: { role: Role; name?: string }): Promise<{ key: string; info: ApiKeyInfo }>;
  list(): Promise<ApiKeyInfo[]>;
  /** Marks the key revoked; undefined when no key has this id. Revoking twice keeps the first time. */
  revoke(id: string): Promise<ApiKeyInfo | undefined>;
  /** The key whose SHA-256 is `hash`, revoked or not. */
  findByHash(hash: string): Promise<ApiKeyInfo | undefined>;
  countActive(): Promise<number>;
  /** Keys ever created, revoked ones included: keyless mode is entered only while this is 0. */
  countAll(): Promise<number>;
  close(): Promise<void>;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** `cg_<id>_<secret>`: the id (not secret) lets `keys list` and logs name a key without revealing it. */
function newKey(): { id: string; key: string } {
  const id = randomBytes(6).toString("hex");
  return { id, key: `cg_${id}_${randomBytes(32).toString("base64url")}` };
}

interface KeyRow {
  id: string;
  name: string | null;
  role: string;
  created_at: string | Date;
  revoked_at: string | Date | null;
}

function toInfo(row: KeyRow): ApiKeyInfo {
  const iso = (v: string | Date) => (v instanceof Date ? v.toISOString() : v);
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

/** C0 and C1 control characters: a key name is printed to terminals by `keys list`. */
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

function checkName(name: string | undefined): string | null {
  if (name === undefined) return null;
  const trimmed = name.trim();
  const message = `must be 1 to ${LIMITS.textLength} characters, without control characters`;
  if (trimmed === "" || trimmed.length > LIMITS.textLength || CONTROL_CHARACTERS.test(trimmed)) {
    throw new ChipGateError("INVALID_INPUT", `name: ${message}`, [{ path: "name", message }]);
  }
  return trimmed;
}

function checkRole(role: string): Role {
  if (!(roles as readonly string[]).includes(role)) {
    throw new ChipGateError("INVALID_INPUT", `role: '${role}' is not a role; accepted: ${roles.join(", ")}`, [
      { path: "role", message: `accepted: ${roles.join(", ")}` },
    ]);
  }
  return role as Role;
}

const COLUMNS = "id, name, role, created_at, revoked_at";

export function openSqliteKeyStore(file: string): KeyStore {
  ensurePrivateFile(file);
  const db = new Database(file);
  db.pragma("busy_timeout = 10000");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(KEYS_TABLE);
  const insert = db.prepare(
    "INSERT INTO chipgate_api_keys (id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const all = db.prepare<[], KeyRow>(`SELECT ${COLUMNS} FROM chipgate_api_keys ORDER BY created_at, id`);
  const byId = db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM chipgate_api_keys WHERE id = ?`);
  const byHash = db.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM chipgate_api_keys WHERE key_hash = ?`);
  const revoke = db.prepare(
    "UPDATE chipgate_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
  );
  const count = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM chipgate_api_keys WHERE revoked_at IS NULL",
  );
  const countAll = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM chipgate_api_keys");
  return {
    location: file,
    async create(options) {
      const role = checkRole(options.role);
      const name = checkName(options.name);
      const { id, key } = newKey();
      const createdAt = new Date().toISOString();
      insert.run(id, name, role, hashKey(key), createdAt);
      return { key, info: { id, name, role, createdAt, revokedAt: null } };
    },
    async list() {
      return all.all().map(toInfo);
    },
    async revoke(id) {
      revoke.run(new Date().toISOString(), id);
      const row = byId.get(id);
      return row ? toInfo(row) : undefined;
    },
    async findByHash(hash) {
      const row = byHash.get(hash);
      return row ? toInfo(row) : undefined;
    },
    async countActive() {
      return count.get()!.n;
    },
    async countAll() {
      return countAll.get()!.n;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

export async function openPostgresKeyStore(databaseUrl: string): Promise<KeyStore> {
  const location = redactUrl(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: 10_000 });
  pool.on("error", () => {});
  const client = await pool.connect().catch(async (error: unknown) => {
    await pool.end().catch(() => {});
    throw new ChipGateError(
      "AUDIT_STORE_ERROR",
      `cannot open the key table at ${location}: ${(error as Error).message}`,
    );
  });
  try {
    // Two servers starting together would race on CREATE TABLE IF NOT EXISTS; the lock makes them take turns.
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('chipgate_api_keys'))");
    await client.query(KEYS_TABLE);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
    await pool.end().catch(() => {});
    throw new ChipGateError(
      "AUDIT_STORE_ERROR",
      `cannot create the key table at ${location}: ${(error as Error).message}`,
    );
  }
  client.release();
  const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw new ChipGateError("AUDIT_STORE_ERROR", `key table at ${location}: ${(error as Error).message}`);
    }
  };
  return {
    location,
    async create(options) {
      const role = checkRole(options.role);
      const name = checkName(options.name);
      const { id, key } = newKey();
      const createdAt = new Date().toISOString();
      await q(
        "INSERT INTO chipgate_api_keys (id, name, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        [id, name, role, hashKey(key), createdAt],
      );
      return { key, info: { id, name, role, createdAt, revokedAt: null } };
    },
    async list() {
      return (await q<KeyRow>(`SELECT ${COLUMNS} FROM chipgate_api_keys ORDER BY created_at, id`)).map(
        toInfo,
      );
    },
    async revoke(id) {
      await q("UPDATE chipgate_api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL", [
        new Date().toISOString(),
        id,
      ]);
      const [row] = await q<KeyRow>(`SELECT ${COLUMNS} FROM chipgate_api_keys WHERE id = $1`, [id]);
      return row ? toInfo(row) : undefined;
    },
    async findByHash(hash) {
      const [row] = await q<KeyRow>(`SELECT ${COLUMNS} FROM chipgate_api_keys WHERE key_hash = $1`, [hash]);
      return row ? toInfo(row) : undefined;
    },
    async countActive() {
      const [row] = await q<{ n: string }>(
        "SELECT count(*) AS n FROM chipgate_api_keys WHERE revoked_at IS NULL",
      );
      return Number(row?.n ?? 0);
    },
    async countAll() {
      const [row] = await q<{ n: string }>("SELECT count(*) AS n FROM chipgate_api_keys");
      return Number(row?.n ?? 0);
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}

/** The key table beside the audit trail that `openAuditStore` with the same options opens. */
export async function openKeyStore(options: { dataDir?: string; databaseUrl?: string }): Promise<KeyStore> {
  if (options.databaseUrl) return openPostgresKeyStore(options.databaseUrl);
  return openSqliteKeyStore(sqliteAuditFile(options.dataDir ?? DEFAULT_DATA_DIR));
}
