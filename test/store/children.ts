import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./append-child.mjs", import.meta.url));
const built = fileURLToPath(new URL("../../dist/src/store/index.js", import.meta.url));

export interface Ack {
  seq: number;
  id: string;
}

export interface Appender {
  child: ChildProcess;
  /** Acknowledgements read so far (complete lines only). */
  acks: Ack[];
  /** Resolves with the exit code (or signal name) and stderr once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts test/store/append-child.mjs; throws when dist/ is missing rather than skipping the test. */
export function startAppender(
  openArgs: object,
  count: number | "forever",
  inFlight: number,
  tag: string,
  onAck?: (ack: Ack, all: Ack[]) => void,
): Appender {
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` before these tests`);
  const child = spawn(
    process.execPath,
    [script, JSON.stringify(openArgs), String(count), String(inFlight), tag],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const acks: Ack[] = [];
  let pending = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const m = /^ack (\d+) (\S+)$/.exec(line);
      if (!m) continue;
      const ack = { seq: Number(m[1]), id: m[2]! };
      acks.push(ack);
      onAck?.(ack, acks);
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => {
      child.on("close", (code, signal) => resolve({ code, signal, stderr }));
    },
  );
  return { child, acks, exited };
}
