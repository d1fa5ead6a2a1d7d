import { closeSync, mkdirSync, openSync } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { ChipGateError } from "../core/errors.js";

/**
 * Files ChipGate keeps (the audit trail, API key hashes, imported lists) are readable by the user that runs it
 * only: directories it creates are 0700 and files 0600, whatever the umask. Directories that already exist are
 * left as the operator made them.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Creates `file` (and its directory) readable by this user only, unless it exists. SQLite then creates its
 * -wal and -shm files with the database file's permissions.
 */
export function ensurePrivateFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
}

/** Flushes a directory's entries (a rename in it) to disk; not every platform can, which is not an error. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory.
  } finally {
    await handle.close();
  }
}

/** Work that holds `lock` in this process, so that its callers take turns without polling the file. */
const held = new Map<string, Promise<unknown>>();

/** How long a caller waits for another process's lock before giving up. */
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * Runs `fn` holding the lock file `lock`: one holder at a time across processes (the file is created
 * exclusively and holds the holder's pid) and within this process (callers queue). A lock left by a process
 * that no longer runs is taken over.
 */
export async function withFileLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const before = held.get(lock) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(() => holdingFile(lock, fn));
  held.set(lock, mine);
  try {
    return await mine;
  } finally {
    if (held.get(lock) === mine) held.delete(lock);
  }
}

async function holdingFile<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx", PRIVATE_FILE_MODE);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(await readFile(lock, "utf8").catch(() => ""));
      if (!isRunning(pid)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new ChipGateError(
          "INVALID_INPUT",
          `another import (process ${pid}) has held ${lock} for ${LOCK_WAIT_MS / 60_000} minutes; try again later`,
          [{ path: "lock", message: "held by another process" }],
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
