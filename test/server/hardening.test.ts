/**
 * The findings of the hardening issue (16), one test each, against the app in-process: bounded input, the
 * keyless mode, keys, imports, the trail's readers, error paths and the small items. The real-process cases
 * (a server started as `npm start` starts it) are in processes.test.ts.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScreeningDataset } from "../../src/node/screening/index.js";
import { errorOf, type TestServer, testServer } from "./helpers.js";

const fixtures = join(import.meta.dirname, "../fixtures/screening");
const excerpt = readFileSync(join(fixtures, "csl-2022-excerpt.csv"), "utf8");

let s: TestServer;
beforeAll(async () => {
  // The server's default body limit (1 MiB), so a 1 MB name reaches validation.
  s = await testServer({ config: { maxBodyBytes: 1024 * 1024 } });
});
afterAll(async () => {
  await s?.close();
});

const transaction = {
  date: "2024-06-01",
  destination: "CN",
  items: [{ chip: "nvidia-h20", quantity: 8 }],
  endUser: { name: "Example Cloud Ltd", country: "CN", headquarters: "CN" },
};

const csv = (body: string, key?: string | null) => ({
  method: "POST",
  body,
  headers: { "content-type": "text/csv" },
  ...(key !== undefined && { key }),
});

/** Every issue path of an error answer. */
async function paths(res: Response): Promise<string[]> {
  return (await errorOf(res)).issues.map((i) => i.path);
}

describe("1. bounded work: long input is refused at once, naming the field", () => {
  const huge = "a".repeat(1_000_000);

  it("a 1 MB one-word party name in a decision is a 400 at endUser.name; nothing is recorded", async () => {
    const before = (await s.store.head()).seq;
    const res = await s.request("/v1/decisions", {
      json: { ...transaction, endUser: { ...transaction.endUser, name: huge } },
      key: s.key.analyst,
    });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.issues).toEqual([{ path: "endUser.name", message: "name must be at most 500 characters" }]);
    expect(err.message.length).toBeLessThan(2_000);
    expect((await s.store.head()).seq).toBe(before);
  });

  it("a 1 MB name to /v1/screen is a 400 at name, and the server answers the next request", async () => {
    const res = await s.request("/v1/screen", { json: { name: huge }, key: s.key.analyst });
    expect(res.status).toBe(400);
    expect(await paths(res)).toEqual(["name"]);
    expect((await s.request("/healthz", { key: null })).status).toBe(200);
  });

  it("more than 100 items, or over-long end uses and chip ids, are refused before anything is decided", async () => {
    const before = (await s.store.head()).seq;
    const many = await s.request("/v1/decisions", {
      json: { ...transaction, items: Array.from({ length: 15_000 }, () => ({ chip: "nvidia-h20" })) },
      key: s.key.analyst,
    });
    expect(many.status).toBe(400);
    expect((await errorOf(many)).issues).toEqual([
      { path: "items", message: "at most 100 items per decision" },
    ]);
    const long = await s.request("/v1/decisions", {
      json: {
        ...transaction,
        endUse: ["x".repeat(201)],
        certifications: Array.from({ length: 51 }, () => "c"),
        items: [{ chip: "x".repeat(5000) }],
        exporter: "e".repeat(501),
      },
      key: s.key.analyst,
    });
    expect((await paths(long)).sort()).toEqual(["certifications", "endUse.0", "exporter", "items.0.chip"]);
    expect((await s.store.head()).seq).toBe(before);
  });

  it("an error never lists more than 20 issues nor echoes a huge key back", async () => {
    const tops = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`f${i}`, 1]));
    const res = await s.request("/v1/classify", { json: { spec: { denseTops: tops } }, key: s.key.analyst });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.issues.length).toBeLessThanOrEqual(21);
    expect(err.issues.at(-1)).toMatchObject({ path: "(more)" });
    const key = await s.request("/v1/screen", { json: { name: "x", ["k".repeat(100_000)]: 1 } });
    expect(JSON.stringify(await errorOf(key)).length).toBeLessThan(2_000);
  });
});

describe("2. keyless mode cannot be driven by a web page", () => {
  let open: TestServer;
  beforeAll(async () => {
    open = await testServer({ withKeys: false });
  });
  afterAll(async () => {
    await open?.close();
  });

  it("a cross-site text/plain POST creates no key, records no decision and imports no list", async () => {
    const before = (await open.store.head()).seq;
    const hash = open.state.data!.screening.version.hash;
    const foreign = { origin: "https://evil.example", "content-type": "text/plain" };
    const attempts = [
      ["/v1/keys", JSON.stringify({ role: "admin" })],
      ["/v1/decisions", JSON.stringify(transaction)],
      ["/v1/data/import?allowShrink=true", "_id,source\n1,x\n"],
    ] as const;
    for (const [path, body] of attempts) {
      const res = await open.request(path, { method: "POST", body, headers: foreign, key: null });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect((await errorOf(res)).code).toBe("ORIGIN_NOT_ALLOWED");
      // Without an Origin header (a non-browser client), text/plain still does not reach the handler.
      const plain = await open.request(path, {
        method: "POST",
        body,
        headers: { "content-type": "text/plain" },
        key: null,
      });
      expect({ path, status: plain.status }).toEqual({ path, status: 415 });
      expect(await paths(plain)).toEqual(["header.content-type"]);
    }
    expect(await open.keys.countAll()).toBe(0);
    expect((await open.store.head()).seq).toBe(before);
    expect(open.state.data!.screening.version.hash).toBe(hash);
    // The page of this server itself (a loopback origin) is served.
    const own = await open.request("/v1/me", { headers: { origin: "http://127.0.0.1:8080" }, key: null });
    expect(own.status).toBe(200);
  });

  it("a request addressed to another host name (DNS rebinding) is refused, in keyless mode and with keys", async () => {
    const rebound = await open.app.request("http://attacker.example:8080/v1/decisions");
    expect(rebound.status).toBe(403);
    expect((await errorOf(rebound)).code).toBe("HOST_NOT_ALLOWED");
    const keyed = await s.app.request("http://attacker.example/v1/decisions", {
      headers: { authorization: `Bearer ${s.key.viewer}` },
    });
    expect(keyed.status).toBe(403);
    expect(await paths(keyed)).toEqual(["header.host"]);
    // The UI is not served to a foreign host either.
    expect((await open.app.request("http://attacker.example/")).status).toBe(403);
    expect((await open.app.request("http://localhost:8080/v1/me")).status).toBe(200);
  });

  it("a host named with --allowed-hosts is served when keys are required", async () => {
    const proxied = await testServer({ config: { allowedHosts: ["chipgate.internal", "localhost"] } });
    try {
      const res = await proxied.app.request("http://chipgate.internal/v1/chips?limit=1", {
        headers: { authorization: `Bearer ${proxied.key.viewer}` },
      });
      expect(res.status).toBe(200);
    } finally {
      await proxied.close();
    }
  });
});

describe("4. keys: revocation at once, and no way back to keyless mode", () => {
  it("a revoked admin key is refused at once by the server that revoked it, and mints nothing", async () => {
    const { key, info } = await s.keys.create({ role: "admin", name: "soon revoked" });
    expect((await s.request("/v1/keys", { key })).status).toBe(200);
    expect((await s.request(`/v1/keys/${info.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await s.request("/v1/keys", { key })).status).toBe(401);
    const minted = await s.request("/v1/keys", { json: { role: "admin" }, key });
    expect(minted.status).toBe(401);
  });

  it("a key revoked elsewhere (the CLI, another server) is refused here within a second", async () => {
    const { key, info } = await s.keys.create({ role: "viewer" });
    expect((await s.request("/v1/chips?limit=1", { key })).status).toBe(200);
    await s.keys.revoke(info.id);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await s.request("/v1/chips?limit=1", { key })).status).toBe(401);
  });

  it("revoking the last key does not reopen keyless admin mode", async () => {
    const open = await testServer({ withKeys: false });
    try {
      expect((await open.request("/v1/keys", { key: null })).status).toBe(200);
      const created = await open.request("/v1/keys", { key: null, json: { role: "admin" } });
      const { key, id } = (await created.json()) as { key: string; id: string };
      expect((await open.request("/v1/keys", { key: null })).status).toBe(401);
      expect((await open.request(`/v1/keys/${id}`, { method: "DELETE", key })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2_100));
      expect((await open.request("/v1/keys", { key: null })).status).toBe(401);
      expect((await open.request("/v1/decisions", { json: transaction, key: null })).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe("3. imports cannot lose the list", () => {
  let d: TestServer;
  beforeAll(async () => {
    d = await testServer();
  });
  afterAll(async () => {
    await d?.close();
  });
  const rows = excerpt.trimEnd().split("\n");
  const variant = (n: number) =>
    `${[rows[0], ...rows.slice(1).map((r, i) => (i === 0 ? r.replace("Huawei", `Huawei${n}`) : r))].join("\n")}\n`;

  it("concurrent imports are serialized: each acknowledged, and the list in force is the one on disk", async () => {
    const answers = await Promise.all(
      [1, 2, 3].map((n) => d.request(`/v1/data/import?filename=v${n}.csv&allowShrink=true`, csv(variant(n)))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const hashes = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { version: { hash: string } }).version.hash),
    );
    expect(new Set(hashes).size).toBe(3);
    // What a restart would load is what this server answers from, and it is one of the acknowledged lists.
    const onDisk = await loadScreeningDataset({ dataDir: d.dataDir });
    expect(onDisk.version.hash).toBe(d.state.data!.screening.version.hash);
    expect(hashes).toContain(onDisk.version.hash);
  });

  it("a cut list, a one-row list and a list with a duplicate _id are refused with the counts; the old list answers", async () => {
    await d.request("/v1/data/import?allowShrink=true", csv(excerpt));
    const hash = d.state.data!.screening.version.hash;
    const cut = await d.request("/v1/data/import", csv(`${rows.slice(0, 11).join("\n")}\n`));
    expect(cut.status).toBe(400);
    const cutError = await errorOf(cut);
    expect(cutError.code).toBe("SCREENING_DATA_INVALID");
    expect(cutError.message).toMatch(/SDN 15 → \d+/);
    const one = await d.request("/v1/data/import", csv(`${rows.slice(0, 2).join("\n")}\n`));
    expect(one.status).toBe(400);
    const duplicate = await d.request("/v1/data/import", csv(`${[...rows, rows[5]].join("\n")}\n`));
    expect(duplicate.status).toBe(400);
    expect((await errorOf(duplicate)).message).toMatch(/_id .* at lines \d+, 22/);
    expect(d.state.data!.screening.version.hash).toBe(hash);
    expect((await loadScreeningDataset({ dataDir: d.dataDir })).version.hash).toBe(hash);
  });

  it("the same _id on two source lists is not a duplicate (an OFAC entity on SDN and SSI)", async () => {
    const sdn = rows.find((r) => r.includes("Specially Designated Nationals"))!;
    const ssi = sdn.replace(
      "Specially Designated Nationals (SDN) - Treasury Department",
      "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
    );
    expect(ssi).not.toBe(sdn);
    const res = await d.request("/v1/data/import?allowShrink=true", csv(`${[...rows, ssi].join("\n")}\n`));
    expect(res.status).toBe(200);
  });

  it("import answers never show where the server keeps files", async () => {
    const ok = await d.request("/v1/data/import?allowShrink=true", csv(excerpt));
    const okText = await ok.text();
    const bad = await d.request("/v1/data/import", csv("name\nx\n"));
    const badText = await bad.text();
    for (const text of [okText, badText]) {
      expect(text).not.toContain(d.dataDir);
      expect(text).not.toMatch(/\/tmp\/|chipgate-import|loadedFrom/);
    }
  });
});

describe("5. the trail's records are read by role", () => {
  it("viewers and analysts get summaries; admins whole records", async () => {
    const made = await s.request("/v1/decisions", { json: transaction, key: s.key.analyst });
    const { id } = (await made.json()) as { id: string };
    for (const role of ["viewer", "analyst"] as const) {
      const one = (await (await s.request(`/v1/decisions/${id}`, { key: s.key[role] })).json()) as Record<
        string,
        unknown
      >;
      expect(one).toMatchObject({ id, view: "summary", destination: "CN", items: 1 });
      expect(one).not.toHaveProperty("input");
      expect(one).not.toHaveProperty("output");
      const page = (await (await s.request("/v1/decisions?limit=1000", { key: s.key[role] })).json()) as {
        decisions: Record<string, unknown>[];
      };
      expect(page.decisions.length).toBeGreaterThan(0);
      for (const r of page.decisions) expect(r).not.toHaveProperty("input");
      const text = JSON.stringify(page);
      expect(text).not.toContain("Example Cloud Ltd");
    }
    const full = (await (await s.request(`/v1/decisions/${id}`, { key: s.key.admin })).json()) as {
      input: unknown;
    };
    expect(full.input).toEqual(transaction);
  });

  it("many concurrent verifications all answer, from shared walks", async () => {
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => s.request("/v1/audit/verify", { key: s.key.viewer })),
    );
    for (const a of answers) expect(((await a.json()) as { ok: boolean }).ok).toBe(true);
  });
});

describe("6. every error path is named and contained", () => {
  it("a CSV with a stray quote is a 400 with its line, and the cell is not logged", async () => {
    const res = await s.request("/v1/screen/csv", csv('Secret"name,country\nAcme,DE\n', s.key.analyst));
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe("INVALID_INPUT");
    expect(err.message).toMatch(/^line 1: unreadable CSV: Invalid Opening Quote/);
    expect(err.issues[0]!.path).toBe("line 1");
    // Further down (in the first chunk read, as here, the answer has not begun yet).
    const later = await s.request("/v1/screen/csv", csv('name\nAcme\nZyx"Secretcell\n', s.key.analyst));
    expect(later.status).toBe(400);
    expect((await errorOf(later)).message).toMatch(/^line 3: unreadable CSV: Invalid Opening Quote/);
    await new Promise((r) => setImmediate(r));
    expect(s.logs.join("\n")).not.toMatch(/Secret/);
  });

  it("an empty CSV is the same 400 for screening and import", async () => {
    const screen = await errorOf(await s.request("/v1/screen/csv", csv("")));
    expect(screen.message).toBe("the CSV is empty; expected a header row");
    const imported = await errorOf(await s.request("/v1/data/import", csv("")));
    expect(imported.message).toContain("the CSV is empty; expected a header row");
  });

  it("huge finite numbers are refused at the input field, in classify and in decisions", async () => {
    const classify = await s.request("/v1/classify", {
      json: { spec: { datacenter: true, denseTops: { fp16: 1e308 }, dieAreaMm2: 800 }, date: "2024-06-01" },
      key: s.key.analyst,
    });
    expect(classify.status).toBe(400);
    expect(await paths(classify)).toEqual(["spec.denseTops.fp16"]);
    const tiny = await s.request("/v1/classify", {
      json: { spec: { datacenter: true, denseTops: { fp16: 1000 }, dieAreaMm2: 1e-320 } },
      key: s.key.analyst,
    });
    expect(await paths(tiny)).toEqual(["spec.dieAreaMm2"]);
    const decision = await s.request("/v1/decisions", {
      json: {
        ...transaction,
        items: [{ spec: { datacenter: true, denseTops: { fp16: 1e308 }, dieAreaMm2: 800 } }],
      },
      key: s.key.analyst,
    });
    expect(decision.status).toBe(400);
    expect(await paths(decision)).toEqual(["items.0.spec.denseTops.fp16"]);
  });

  it("an unknown chip in a system is reported at items.N.system.chip", async () => {
    const res = await s.request("/v1/decisions", {
      json: { ...transaction, items: [{ system: { chip: "nvidia-h2000", count: 8 } }] },
      key: s.key.analyst,
    });
    expect(res.status).toBe(400);
    expect(await paths(res)).toEqual(["items.0.system.chip"]);
  });

  it("query parameters the store checks are reported with their query. prefix", async () => {
    expect(await paths(await s.request("/v1/decisions?from=yesterday"))).toEqual(["query.from"]);
    expect(await paths(await s.request("/v1/decisions?cursor=zzz"))).toEqual(["query.cursor"]);
    expect(await paths(await s.request("/v1/audit/export?format=jsonl&to=2025-02-30"))).toEqual(["query.to"]);
  });
});

describe("7. small items", () => {
  it("API answers carry nosniff and no-store, errors and streams included", async () => {
    for (const res of [
      await s.request("/v1/chips?limit=1"),
      await s.request("/v1/chips/nope"),
      await s.request("/v1/audit/export?format=jsonl"),
      await s.request("/metrics"),
      await s.request("/v1/nothing/here"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cache-control")).toBe("no-store");
      await res.arrayBuffer();
    }
  });

  it("/docs runs no inline script and may not be framed", async () => {
    const res = await s.request("/docs", { key: null });
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await res.text();
    expect(html).toMatch(/<script src="\/docs\/docs\.js"><\/script>/);
    expect(html).not.toMatch(/<script>/);
    const script = await s.request("/docs/docs.js", { key: null });
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("/openapi.json");
  });

  it("a known path with the wrong method is a 405 naming the methods it takes", async () => {
    const res = await s.request("/v1/chips", { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect((await errorOf(res)).code).toBe("METHOD_NOT_ALLOWED");
    const screen = await s.request("/v1/screen");
    expect(screen.status).toBe(405);
    expect(screen.headers.get("allow")).toBe("POST");
    expect((await s.request("/v1/keys/abc", { method: "POST" })).headers.get("allow")).toBe("DELETE");
    expect((await s.request("/v1/nothing")).status).toBe(404);
  });

  it("key names with control characters are refused", async () => {
    const res = await s.request("/v1/keys", { json: { role: "viewer", name: "ops\u001b[2J" } });
    expect(res.status).toBe(400);
    expect(await paths(res)).toEqual(["name"]);
  });

  it("the trail and key file are readable by their owner only", () => {
    expect(statSync(join(s.dataDir, "audit.sqlite")).mode & 0o777).toBe(0o600);
  });
});
