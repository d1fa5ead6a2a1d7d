import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "../../bin/chipgate");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const childEnv = () => ({ ...process.env, NO_COLOR: "1" });

/** Runs the real CLI (built dist) as a user would. */
export function cli(args: string[], options: { input?: string; cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    input: options.input ?? "",
    cwd: options.cwd ?? process.cwd(),
    env: childEnv(),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like `cli`, without blocking this process: for tests whose CLI talks to a server running in the test. */
export function cliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
