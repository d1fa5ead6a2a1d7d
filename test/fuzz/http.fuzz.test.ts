/**
 * A seeded, bounded fuzz run over every route of the route table (as /openapi.json lists it), against a real
 * `chipgate serve` process: random and mutated path parameters, query strings, JSON and CSV bodies, content
 * types and roles. For every answer: no 5xx, an answer within a generous time (a wedge, not speed: speed is
 * measured by the benchmarks), and a 400 that names a field of the input. Afterwards the process still runs
 * (no crash), answers, and its trail verifies.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importScreeningList } from "../../src/node/screening/index.js";
import { apiRoutes } from "../../src/server/app.js";
import { openKeyStore, type Role } from "../../src/server/keys/key-store.js";
import { errorOf, testServer } from "../server/helpers.js";
import { check, deepJsonText, mutate, nastyCsv, nastyJson, nastyString, shortly } from "./arbitraries.js";
import { watchdog } from "./watchdog.js";

const BIN = join(import.meta.dirname, "../../bin/chipgate");

/** Far above any normal answer (milliseconds); only a wedged request takes this long. */
const WEDGE_MS = 15_000;
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: "query" | "path"; schema: { enum?: string[]; example?: unknown } }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema; example?: unknown }> };
}
interface JsonSchema {
  properties?: Record<string, unknown>;
  anyOf?: JsonSchema[];
  example?: unknown;
}

/** The server under test: a real `chipgate serve` process, so a wedge or a crash cannot stop the fuzzer. */
let server: ChildProcess;
let base: string;
let output = "";
const key = {} as Record<Role, string>;
let operations: Operation[];
let decisionId: string;
let tmp: string;
const excerpt = readFileSync(join(import.meta.dirname, "../fixtures/screening/csl-2022-excerpt.csv"), "utf8");

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "chipgate-http-fuzz-"));
  // The small excerpt list keeps start-up quick; what is fuzzed is the handling of input, not the list.
  await importScreeningList({
    dataDir: tmp,
    file: join(import.meta.dirname, "../fixtures/screening/csl-2022-excerpt.csv"),
    allowShrink: true,
  });
  const keys = await openKeyStore({ dataDir: tmp });
  for (const role of ["viewer", "analyst", "admin"] as const) key[role] = (await keys.create({ role })).key;
  await keys.close();
  server = spawn(
    process.execPath,
    [
      BIN,
      "serve",
      "--port",
      "0",
      "--data-dir",
      tmp,
      "--rate-limit",
      "0",
      "--max-upload-bytes",
      String(4 * 1024 * 1024),
    ],
    { env: { ...process.env, DATABASE_URL: "" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  server.stdout!.on("data", (d) => {
    output = `${output}${d}`.slice(-100_000);
  });
  server.stderr!.on("data", (d) => {
    output = `${output}${d}`.slice(-100_000);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const url = /"msg":"listening","url":"([^"]+)"/.exec(output)?.[1];
    if (url && (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200) {
      base = url;
      break;
    }
    if (server.exitCode !== null || Date.now() > deadline)
      throw new Error(`server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Omit<Operation, "method" | "path">>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, ...op })),
  );
  const made = await send("/v1/decisions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      destination: "AE",
      items: [{ chip: "nvidia-h20" }],
      endUser: { name: "Fuzz Seed LLC" },
    }),
    key: key.analyst,
  });
  decisionId = ((await made.json()) as { id: string }).id;
}, 90_000);
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** One request to the server, given up after WEDGE_MS. */
function send(path: string, init: RequestInit & { key?: string | null }): Promise<Response> {
  const { key: k, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (k) headers.set("authorization", `Bearer ${k}`);
  return fetch(`${base}${path}`, { ...rest, headers, signal: AbortSignal.timeout(WEDGE_MS) });
}

/** Known good values for path parameters, so that handlers past the lookup are reached too. */
function pathValue(path: string): fc.Arbitrary<string> {
  const good = path.startsWith("/v1/chips")
    ? "nvidia-h100-sxm5-80gb"
    : path.startsWith("/v1/decisions")
      ? decisionId
      : "000000000000";
  return fc.oneof({ weight: 1, arbitrary: fc.constant(good) }, { weight: 3, arbitrary: nastyString });
}

function queryValue(schema: { enum?: string[] }): fc.Arbitrary<string> {
  const likely = schema.enum
    ? fc.constantFrom(...schema.enum)
    : fc.constantFrom("2024-06-01", "10", "CN,AE", "true", "nvidia");
  return fc.oneof({ weight: 2, arbitrary: likely }, { weight: 3, arbitrary: nastyString });
}

function bodyFields(schema: JsonSchema | undefined): string[] {
  if (!schema) return [];
  return [...Object.keys(schema.properties ?? {}), ...(schema.anyOf ?? []).flatMap(bodyFields)];
}

interface Sent {
  url: string;
  init: RequestInit & { key?: string | null };
  query: string[];
  body: unknown;
}

function requestFor(op: Operation): fc.Arbitrary<Sent> {
  const pathParams = op.parameters.filter((p) => p.in === "path");
  const queryParams = op.parameters.filter((p) => p.in === "query");
  const [contentType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
  const example = media?.example ?? media?.schema?.example;
  const jsonBody: fc.Arbitrary<{ text: string; value: unknown }> = fc.oneof(
    {
      weight: 4,
      arbitrary: (example === undefined ? nastyJson : mutate(example)).map((v) => ({
        text: JSON.stringify(v) ?? "null",
        value: v,
      })),
    },
    { weight: 2, arbitrary: nastyJson.map((v) => ({ text: JSON.stringify(v) ?? "null", value: v })) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(deepJsonText, fc.string({ maxLength: 50 }))
        .map((t) => ({ text: t, value: undefined })),
    },
  );
  const csvBody = fc.oneof(
    nastyCsv,
    fc.integer({ min: 0, max: 25 }).map((n) => excerpt.split("\n").slice(0, n).join("\n")),
    fc.constant(excerpt.replace("Huawei", 'Hua"wei')),
  );
  const body: fc.Arbitrary<{ text: string; value: unknown } | undefined> =
    contentType === undefined
      ? fc.constant(undefined)
      : contentType === "application/json"
        ? jsonBody
        : csvBody.map((text) => ({ text, value: undefined }));
  return fc
    .record({
      path: fc.tuple(...pathParams.map(() => pathValue(op.path))),
      query: fc.tuple(...queryParams.map((p) => fc.option(queryValue(p.schema), { nil: undefined }))),
      extra: fc.option(
        fc.tuple(
          nastyString.filter((k) => k.length < 50),
          nastyString,
        ),
        { nil: undefined },
      ),
      body,
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant(contentType) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            "text/plain",
            "application/x-www-form-urlencoded",
            "",
            "application/json; charset=utf-8",
          ),
        },
      ),
      key: fc.oneof(
        { weight: 8, arbitrary: fc.constant("admin" as const) },
        { weight: 1, arbitrary: fc.constantFrom("analyst" as const, "viewer" as const, null) },
      ),
    })
    .map(({ path, query, extra, body, contentType: type, key: k }) => {
      let url = op.path;
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeURIComponent(path[i]!));
      });
      const params = new URLSearchParams();
      queryParams.forEach((p, i) => {
        if (query[i] !== undefined) params.set(p.name, query[i]!);
      });
      if (extra) params.set(extra[0], extra[1]);
      const qs = params.toString();
      return {
        url: `${url}${qs ? `?${qs}` : ""}`,
        init: {
          method: op.method.toUpperCase(),
          ...(body && { body: body.text }),
          headers: type ? { "content-type": type } : {},
          key: k === null ? null : key[k],
        },
        query: [...params.keys()],
        body: body?.value,
      };
    });
}

/** Whether an issue path points at something the caller sent, or could have sent. */
function namesAField(path: string, op: Operation, sent: Sent): boolean {
  if (["(body)", "(more)", "(csv)", "method"].includes(path) || /^line \d+$/.test(path)) return true;
  if (path.startsWith("header.")) return true;
  const [head, first] = path.split(".");
  if (head === "query")
    return sent.query.includes(first!) || op.parameters.some((p) => p.in === "query" && p.name === first);
  if (head === "path") return op.parameters.some((p) => p.in === "path" && p.name === first);
  const media = Object.values(op.requestBody?.content ?? {})[0];
  const sentKeys = sent.body && typeof sent.body === "object" ? Object.keys(sent.body) : [];
  return [...sentKeys, ...bodyFields(media?.schema)].includes(head!);
}

describe("fuzzing every route of the route table", () => {
  it("covers every route of the route table", () => {
    const fuzzed = operations.map((o) => `${o.method} ${o.path}`).sort();
    const table = [
      ...apiRoutes.map((r) => `${r.method} ${r.path}`),
      "get /openapi.json",
      "get /docs",
      "get /docs/docs.js",
    ];
    expect(fuzzed).toEqual(table.sort());
  });

  it("answers every request without a 5xx, in time, naming a field in each 400", async () => {
    const reached = new Map<string, number>();
    for (const op of operations) {
      await check(
        fc.asyncProperty(requestFor(op), async (sent) => {
          const what = `${sent.init.method} ${shortly(sent.url)}`;
          let res: Response;
          let text: string;
          try {
            res = await send(sent.url, sent.init);
            text = await res.text();
          } catch (error) {
            // Node's HTTP parser refuses a request line over 16 KB before the app sees it (431, connection
            // closed): not an answer of ChipGate's, and harmless as long as the server goes on running.
            if (sent.url.length > 16_000 && (error as Error).name !== "TimeoutError") {
              expect(server.exitCode).toBeNull();
              return;
            }
            throw new Error(
              `${what}: ${(error as Error).name === "TimeoutError" ? `no answer within ${WEDGE_MS} ms (a wedge)` : (error as Error).message}; server ${server.exitCode === null ? "running" : `exited ${server.exitCode}`}\n${output.slice(-2000)}`,
            );
          }
          // Past authentication, roles and content type: the request reached validation or the handler.
          if (![401, 403, 415].includes(res.status))
            reached.set(op.path + op.method, (reached.get(op.path + op.method) ?? 0) + 1);
          expect(res.status, `${what}: ${shortly(text)}`).toBeLessThan(500);
          if (res.status >= 400 && res.headers.get("content-type")?.includes("application/json")) {
            const error = await errorOf(new Response(text, { status: res.status, headers: res.headers }));
            if (res.status === 400)
              expect(error.issues.length, `${what}: ${error.message}`).toBeGreaterThan(0);
            for (const issue of error.issues) {
              expect(namesAField(issue.path, op, sent), `${what}: ${issue.path}: ${issue.message}`).toBe(
                true,
              );
            }
          }
        }),
        RUNS,
      );
      expect(
        reached.get(op.path + op.method) ?? 0,
        `${op.method} ${op.path}: no request reached its handler`,
      ).toBeGreaterThan(RUNS / 3);
    }
  }, 170_000);

  it("still runs, answers, and the trail still verifies", async () => {
    expect(server.exitCode).toBeNull();
    expect((await send("/healthz", {})).status).toBe(200);
    expect((await send("/readyz", {})).status).toBe(200);
    const verify = (await (await send("/v1/audit/verify", { key: key.viewer })).json()) as { ok: boolean };
    expect(verify.ok).toBe(true);
  });

  it("answers any Host and Origin with a refusal or an answer, never a failure", async () => {
    const open = await testServer({ withKeys: false });
    const dog = watchdog(WEDGE_MS);
    try {
      await check(
        fc.asyncProperty(
          nastyString.filter((h) => h.length < 300),
          fc.option(
            nastyString.filter((o) => o.length < 300),
            { nil: undefined },
          ),
          fc.constantFrom("/v1/me", "/healthz", "/", "/v1/keys"),
          async (host, origin, path) => {
            const headers: Record<string, string> = {};
            if (origin !== undefined && /^[\t\x20-\x7e]*$/.test(origin)) headers.origin = origin;
            let url = `http://localhost${path}`;
            try {
              const u = new URL(path, `http://${host}`);
              // A URL with credentials cannot make a Request at all: that is the client's error, not ours.
              if (u.username === "" && u.password === "") url = u.toString();
            } catch {
              // Not a host a client could send; the default stands.
            }
            await dog.run(url, async () => {
              const res = await open.app.request(url, { headers });
              expect(res.status).toBeLessThan(500);
              await res.arrayBuffer();
            });
          },
        ),
        200,
      );
    } finally {
      await dog.stop();
      await open.close();
    }
  });
});
