export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  readonly level: LogLevel;
  log(level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>): void;
  /** Writes what is buffered; call before exit. */
  flush(): void;
}

/**
 * Structured JSON lines. Lines are buffered and written once per event-loop turn: one write per request
 * costs a system call each at thousands of requests per second. Callers never pass keys, request bodies
 * or screened names unless the operator opted in (`--log-screened-names`).
 */
export function createLogger(
  level: LogLevel = "info",
  write: (text: string) => void = (t) => process.stdout.write(t),
): Logger {
  let buffer = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (buffer === "") return;
    const text = buffer;
    buffer = "";
    write(text);
  };
  return {
    level,
    log(lvl, msg, fields) {
      if (rank[lvl] < rank[level]) return;
      buffer += `${JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields })}\n`;
      if (buffer.length > 65_536) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

export const silentLogger: Logger = { level: "silent", log() {}, flush() {} };
