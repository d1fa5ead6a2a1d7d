import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openAuditStore } from "../../src/store/index.js";
import { postgresTarget, testDatabaseUrl, withSearchPath } from "../store/harness.js";

const BIN = join(import.meta.dirname, "../../bin/chipgate");
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "chipgate-serve-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "" },
  });
}

interface Server {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

/** Starts `chipgate serve` on a free port and waits until /readyz answers 200. */
async function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--rate-limit", "0", ...args], {
    env: { ...process.env, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (Date.now() < deadline) {
    url ??= /"msg":"listening","url":"([^"]+)"/.exec(out)?.[1];
    if (url) {
      const ready = await fetch(`${url}/readyz`).catch(() => undefined);
      if (ready?.status === 200) return { url, child, exited, output: () => out };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become ready:\n${out}`);
}

const transaction = (n: number) => ({
  date: "2024-06-01",
  destination: n % 2 ? "CN" : "DE",
  items: [{ chip: "nvidia-h20", quantity: n + 1 }],
  endUser: { name: `Customer ${n}`, country: n % 2 ? "CN" : "DE", headquarters: n % 2 ? "CN" : "DE" },
});

describe("chipgate serve and chipgate keys (real processes)", () => {
  it("refuses a non-loopback address while no key exists, saying how to create one", () => {
    const dataDir = tempDir();
    const r = cli(["serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", dataDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("refusing to listen on 0.0.0.0");
    expect(r.stderr).toContain("chipgate keys create --role admin");
  });

  it("keyless mode (as npm start runs it): a cross-site text/plain POST or a foreign Host changes nothing", async () => {
    const dataDir = tempDir();
    const server = await startServer(["--data-dir", dataDir]);
    const port = new URL(server.url).port;
    /** A raw request, so that Host and Origin are exactly what a browser on another site would send. */
    const raw = (path: string, headers: Record<string, string>, body?: string) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(
          { host: "127.0.0.1", port, path, method: body === undefined ? "GET" : "POST", headers },
          (res) => {
            let text = "";
            res.on("data", (d) => {
              text += d;
            });
            res.on("end", () => resolve({ status: res.statusCode!, text }));
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    const page = { host: `127.0.0.1:${port}`, origin: "https://evil.example", "content-type": "text/plain" };
    expect((await raw("/v1/keys", page, JSON.stringify({ role: "admin" }))).status).toBe(403);
    expect((await raw("/v1/decisions", page, JSON.stringify(transaction(1)))).status).toBe(403);
    const plain = { host: `127.0.0.1:${port}`, "content-type": "text/plain" };
    expect((await raw("/v1/keys", plain, JSON.stringify({ role: "admin" }))).status).toBe(415);
    // DNS rebinding: the page's own name, resolved to 127.0.0.1.
    const rebound = await raw("/v1/decisions", { host: `evil.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain("HOST_NOT_ALLOWED");
    expect((await raw("/v1/decisions", { host: `localhost:${port}` })).status).toBe(200);
    expect(JSON.parse(cli(["keys", "list", "--json", "--data-dir", dataDir]).stdout)).toEqual([]);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 60_000);

  it("keyless mode only while no key was ever made, or with --open, and only on loopback", async () => {
    const dataDir = tempDir();
    const created = cli(["keys", "create", "--role", "admin", "--data-dir", dataDir, "--json"]);
    const { id } = JSON.parse(created.stdout) as { id: string };
    expect(cli(["keys", "revoke", id, "--data-dir", dataDir]).status).toBe(0);
    // Every key revoked: the server still requires one.
    const closed = await startServer(["--data-dir", dataDir]);
    expect((await fetch(`${closed.url}/v1/me`)).status).toBe(401);
    closed.child.kill("SIGTERM");
    expect(await closed.exited).toBe(0);
    const open = await startServer(["--data-dir", dataDir, "--open"]);
    expect((await fetch(`${open.url}/v1/me`)).status).toBe(200);
    open.child.kill("SIGTERM");
    expect(await open.exited).toBe(0);
    const r = cli(["serve", "--open", "--host", "0.0.0.0", "--port", "0", "--data-dir", dataDir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("with --open: a server without keys listens on loopback only");
  }, 90_000);

  it("keys create prints the key once; list and revoke never show it", () => {
    const dataDir = tempDir();
    const created = cli(["keys", "create", "--role", "analyst", "--name", "intake", "--data-dir", dataDir]);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^cg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const list = cli(["keys", "list", "--json", "--data-dir", dataDir]);
    const keys = JSON.parse(list.stdout) as { id: string; role: string; name: string }[];
    expect(keys).toEqual([expect.objectContaining({ role: "analyst", name: "intake", revokedAt: null })]);
    expect(list.stdout).not.toContain(key.slice(16));
    const revoked = cli(["keys", "revoke", keys[0]!.id, "--data-dir", dataDir]);
    expect(revoked.status).toBe(0);
    expect(cli(["keys", "revoke", "nope", "--data-dir", dataDir]).status).toBe(2);
    expect(cli(["keys", "create", "--role", "root", "--data-dir", dataDir]).status).toBe(2);
  });

  it("screens on a second thread with the answers of the server's own thread, and follows an import", async () => {
    const threaded = await startServer(["--data-dir", tempDir()]);
    const plain = await startServer(["--data-dir", tempDir(), "--no-screen-thread"]);
    const screen = async (server: Server, name: string, country?: string) => {
      const res = await fetch(`${server.url}/v1/screen`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name, ...(country && { country }) }),
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const onThread = async (server: Server) => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return Number(/^chipgate_screenings_on_thread_total (\d+)$/m.exec(text)?.[1]);
    };
    // The thread loads its own copy of the list after the server is ready; until then the server screens.
    const deadline = Date.now() + 30_000;
    for (let i = 0; (await onThread(threaded)) === 0; i++) {
      expect(Date.now()).toBeLessThan(deadline);
      await screen(threaded, `Warm-up Trading ${i}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const names: [string, string?][] = [
      ["华为技术有限公司", "CN"],
      ["HUAWEI TECH CO LTD"],
      ["Zhipu AI"],
      ["Beijing Sensetime Technology Development Co., Ltd."],
      ["Rosoboroneksport"],
      ["Acme Widgets GmbH", "DE"],
    ];
    const before = await onThread(threaded);
    for (const [name, country] of names) {
      expect(await screen(threaded, name, country)).toBe(await screen(plain, name, country));
    }
    expect(await onThread(threaded)).toBe(before + names.length);
    expect(await onThread(plain)).toBe(0);

    // After an import the thread's answers (for the old list) are not used until it has loaded the new one.
    const excerpt = readFileSync(join(import.meta.dirname, "../fixtures/screening/csl-2022-excerpt.csv"));
    const imported = await fetch(`${threaded.url}/v1/data/import?filename=excerpt.csv&allowShrink=true`, {
      method: "POST",
      body: excerpt,
      headers: { "content-type": "text/csv" },
    });
    expect(imported.status).toBe(200);
    const zhipu = JSON.parse(await screen(threaded, "Zhipu AI Holdings")) as { band: string };
    expect(zhipu.band).toBe("clear");
    const later = Date.now() + 30_000;
    const count = await onThread(threaded);
    for (let i = 0; (await onThread(threaded)) === count; i++) {
      expect(Date.now()).toBeLessThan(later);
      expect((JSON.parse(await screen(threaded, `Zhipu AI Trading ${i}`)) as { band: string }).band).toBe(
        "clear",
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    threaded.child.kill("SIGTERM");
    plain.child.kill("SIGTERM");
    expect(await threaded.exited).toBe(0);
    expect(await plain.exited).toBe(0);
  }, 90_000);

  it("graceful shutdown: requests in flight complete and every acknowledged decision is in the trail", async () => {
    const dataDir = tempDir();
    const key = cli(["keys", "create", "--role", "analyst", "--data-dir", dataDir]).stdout.trim();
    // With a key, a non-loopback address is allowed; the test still talks to it over loopback.
    const server = await startServer(["--host", "0.0.0.0", "--data-dir", dataDir]);
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    const acknowledged: string[] = [];
    let refused = 0;
    let n = 0;
    let stopped = false;
    const worker = async () => {
      while (!stopped) {
        const i = n++;
        try {
          const res = await fetch(`${url}/v1/decisions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify(transaction(i)),
          });
          if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
          else {
            expect([503]).toContain(res.status);
            await res.arrayBuffer();
            refused++;
          }
        } catch {
          // Connection refused or closed: the server has stopped listening.
          stopped = true;
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (acknowledged.length < 100) await new Promise((r) => setTimeout(r, 5));
    server.child.kill("SIGTERM");
    await Promise.all(workers);
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');

    const store = await openAuditStore({ dataDir });
    try {
      const verify = await store.verify();
      expect(verify.ok).toBe(true);
      for (const id of acknowledged) expect((await store.get(id))?.id).toBe(id);
      // Nothing was recorded that the server did not also acknowledge (each decision is one record).
      expect(verify.checked).toBeGreaterThanOrEqual(acknowledged.length);
      expect(verify.checked).toBeLessThanOrEqual(acknowledged.length + 16);
    } finally {
      await store.close();
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
    expect(refused + acknowledged.length).toBeGreaterThan(0);
  }, 60_000);

  it("two servers sharing one PostgreSQL database record decisions into one valid chain", async (ctx) => {
    const reason = await postgresTarget.skipReason();
    if (reason) {
      console.warn(`skipped: ${reason}`);
      ctx.skip();
      return;
    }
    const schema = `chipgate_srv_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    cleanups.push(async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    });
    const databaseUrl = withSearchPath(testDatabaseUrl, schema);
    const keyA = cli([
      "keys",
      "create",
      "--role",
      "analyst",
      "--name",
      "a",
      "--database-url",
      databaseUrl,
    ]).stdout.trim();
    const keyB = cli([
      "keys",
      "create",
      "--role",
      "analyst",
      "--name",
      "b",
      "--database-url",
      databaseUrl,
    ]).stdout.trim();
    expect(keyA).toMatch(/^cg_/);
    const dataDir = tempDir();
    const [a, b] = await Promise.all([
      startServer(["--database-url", databaseUrl, "--data-dir", dataDir]),
      startServer(["--database-url", databaseUrl, "--data-dir", dataDir]),
    ]);
    expect(a!.url).not.toBe(b!.url);
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, w) => {
        for (let i = 0; i < 10; i++) {
          const [server, key] = (w + i) % 2 ? [a!, keyA] : [b!, keyB];
          const res = await fetch(`${server.url}/v1/decisions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify(transaction(w * 10 + i)),
          });
          expect(res.status).toBe(201);
          ids.push(((await res.json()) as { id: string }).id);
        }
      }),
    );
    a!.child.kill("SIGTERM");
    b!.child.kill("SIGTERM");
    expect(await a!.exited).toBe(0);
    expect(await b!.exited).toBe(0);

    const store = await openAuditStore({ databaseUrl });
    try {
      const verify = await store.verify();
      expect(verify).toMatchObject({ ok: true, checked: 200 });
      const actors = new Set<string>();
      for await (const r of store.stream()) actors.add(r.actor);
      expect(actors.size).toBe(2);
      for (const id of ids) expect((await store.get(id))?.id).toBe(id);
    } finally {
      await store.close();
    }
  }, 90_000);
});
