import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/core/audit/index.js";
import { errorOf, type TestServer, testServer } from "./helpers.js";

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
});
afterAll(async () => {
  await s?.close();
});

const transaction = {
  date: "2024-06-01",
  destination: "CN",
  items: [{ chip: "nvidia-h100-sxm5-80gb", quantity: 8 }],
  endUser: { name: "Example Cloud Ltd", country: "CN", headquarters: "CN" },
};

describe("health and readiness", () => {
  it("answers /healthz and /readyz without a key", async () => {
    const health = await s.request("/healthz", { key: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await s.request("/readyz", { key: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", checks: { data: "loaded", database: "ok" } });
  });

  it("answers 503 NOT_READY before data is loaded, on /readyz and on data routes", async () => {
    const cold = await testServer({ loaded: false });
    try {
      const ready = await cold.request("/readyz", { key: null });
      expect(ready.status).toBe(503);
      const err = await errorOf(ready);
      expect(err.code).toBe("NOT_READY");
      expect(err.issues.map((i) => i.path)).toEqual(["data"]);
      const chips = await cold.request("/v1/chips", { key: cold.key.viewer });
      expect(chips.status).toBe(503);
      expect(chips.headers.get("retry-after")).toBe("1");
      expect((await errorOf(chips)).code).toBe("NOT_READY");
    } finally {
      await cold.close();
    }
  });
});

describe("authentication and roles", () => {
  it("401 without a key, with a malformed header, with an unknown key and with a revoked key", async () => {
    const none = await s.request("/v1/chips", { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    const err = await errorOf(none);
    expect(err.code).toBe("UNAUTHORIZED");
    expect(err.message).toContain("chipgate keys create");

    const malformed = await s.app.request("/v1/chips", { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(401);
    expect((await errorOf(malformed)).code).toBe("UNAUTHORIZED");

    const unknown = await s.request("/v1/chips", { key: "cg_000000000000_not-a-real-key" });
    expect(unknown.status).toBe(401);

    const { key, info } = await s.keys.create({ role: "viewer" });
    await s.keys.revoke(info.id);
    const revoked = await s.request("/v1/chips", { key });
    expect(revoked.status).toBe(401);
    expect((await errorOf(revoked)).message).toContain("revoked");
  });

  it("accepts the key in X-API-Key as well", async () => {
    const res = await s.app.request("/v1/chips?limit=1", { headers: { "x-api-key": s.key.viewer } });
    expect(res.status).toBe(200);
  });

  it("viewer reads; analyst also classifies, screens and decides; admin also imports, manages keys, exports", async () => {
    const cases: [
      string,
      RequestInit & { json?: unknown },
      Record<"viewer" | "analyst" | "admin", number>,
    ][] = [
      ["/v1/chips?limit=1", {}, { viewer: 200, analyst: 200, admin: 200 }],
      ["/v1/rules/versions", {}, { viewer: 200, analyst: 200, admin: 200 }],
      ["/v1/decisions", {}, { viewer: 200, analyst: 200, admin: 200 }],
      ["/v1/classify", { json: { chip: "nvidia-h20" } }, { viewer: 403, analyst: 200, admin: 200 }],
      ["/v1/screen", { json: { name: "Acme Widgets" } }, { viewer: 403, analyst: 200, admin: 200 }],
      ["/v1/decisions", { json: transaction }, { viewer: 403, analyst: 201, admin: 201 }],
      ["/v1/keys", {}, { viewer: 403, analyst: 403, admin: 200 }],
      ["/v1/audit/export?format=jsonl", {}, { viewer: 403, analyst: 403, admin: 200 }],
      [
        "/v1/data/import",
        { method: "POST", body: "x", headers: { "content-type": "text/csv" } },
        { viewer: 403, analyst: 403, admin: 400 },
      ],
    ];
    for (const [path, init, expected] of cases) {
      for (const role of ["viewer", "analyst", "admin"] as const) {
        const res = await s.request(path, { ...init, key: s.key[role] });
        expect({ path, role, status: res.status }).toEqual({ path, role, status: expected[role] });
        if (res.status === 403) {
          const err = await errorOf(res);
          expect(err.code).toBe("FORBIDDEN");
          expect(err.message).toContain(`this key has the ${role} role`);
        } else await res.arrayBuffer();
      }
    }
  });

  it("serves requests without a key as admin only in open-loopback mode while no key exists", async () => {
    const open = await testServer({ withKeys: false });
    try {
      expect((await open.request("/v1/keys", { key: null })).status).toBe(200);
      const created = await open.request("/v1/keys", { key: null, json: { role: "admin", name: "first" } });
      expect(created.status).toBe(201);
      const { key } = (await created.json()) as { key: string };
      expect(key).toMatch(/^cg_[0-9a-f]{12}_/);
      // The count is cached for up to 2 s; a fresh app sees the key at once.
      await new Promise((r) => setTimeout(r, 2100));
      expect((await open.request("/v1/keys", { key: null })).status).toBe(401);
      expect((await open.request("/v1/keys", { key })).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it("limits the rate per key with 429 and Retry-After", async () => {
    const limited = await testServer({ config: { rateLimit: 1, rateBurst: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await limited.request("/v1/chips?limit=1", { key: limited.key.viewer })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const res = await limited.request("/v1/chips?limit=1", { key: limited.key.viewer });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect((await errorOf(res)).code).toBe("RATE_LIMITED");
      // Another key has its own bucket.
      expect((await limited.request("/v1/chips?limit=1", { key: limited.key.analyst })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("validation and error shapes", () => {
  it("400 lists every invalid field with its path", async () => {
    const res = await s.request("/v1/classify", {
      json: { chip: "nvidia-h20", date: "2024-02-30", mode: "x", extra: 1 },
    });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe("INVALID_INPUT");
    const paths = err.issues.map((i) => i.path).sort();
    expect(paths).toEqual(["(body)", "date", "mode"]);
    expect(err.issues.find((i) => i.path === "(body)")!.message).toContain("extra");
  });

  it("names the field inside a spec, not every alternative of the union", async () => {
    const res = await s.request("/v1/classify", {
      json: { spec: { denseTops: { fp99: 5 }, dieAreaMm2: -1 } },
    });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.issues.map((i) => i.path).sort()).toEqual(["spec.denseTops.fp99", "spec.dieAreaMm2"]);
  });

  it("requires exactly one of chip and spec", async () => {
    const err = await errorOf(await s.request("/v1/classify", { json: {} }));
    expect(err.issues).toEqual([{ path: "chip", message: "give exactly one of chip or spec" }]);
  });

  it("400 for a body that is not JSON, or missing", async () => {
    const bad = await s.request("/v1/screen", {
      method: "POST",
      body: "{name:",
      headers: { "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues[0]!.path).toBe("(body)");
    const empty = await s.request("/v1/screen", {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    expect((await errorOf(empty)).issues).toEqual([{ path: "(body)", message: "a JSON body is required" }]);
  });

  it("prefixes query and path parameters", async () => {
    const err = await errorOf(await s.request("/v1/chips?limit=abc&offset=-1"));
    expect(err.issues.map((i) => i.path).sort()).toEqual(["query.limit", "query.offset"]);
  });

  it("404 for an unknown chip (with suggestions) and for an unknown route", async () => {
    const chip = await s.request("/v1/chips/nvidia-h1000");
    expect(chip.status).toBe(404);
    const err = await errorOf(chip);
    expect(err.code).toBe("NOT_FOUND");
    expect(err.message).toContain("Did you mean");
    const route = await s.request("/v1/nothing-here");
    expect(route.status).toBe(404);
    expect((await errorOf(route)).code).toBe("ROUTE_NOT_FOUND");
  });

  it("413 for a JSON body over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ name: "x".repeat(70 * 1024) });
    const declared = await s.request("/v1/screen", {
      method: "POST",
      body: big,
      headers: { "content-type": "application/json", "content-length": String(big.length) },
    });
    expect(declared.status).toBe(413);
    expect((await errorOf(declared)).code).toBe("PAYLOAD_TOO_LARGE");
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode("x".repeat(10_000)));
        c.close();
      },
    });
    const streamed = await s.request("/v1/screen", {
      method: "POST",
      body: chunks,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("echoes a sane X-Request-Id and makes one up otherwise", async () => {
    const given = await s.request("/healthz", { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const made = await s.request("/healthz", { headers: { "x-request-id": "bad id\u0001" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends no CORS headers unless origins are configured", async () => {
    const res = await s.request("/healthz", { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const withCors = await testServer({ config: { corsOrigins: ["https://app.example"] } });
    try {
      const ok = await withCors.request("/healthz", { headers: { origin: "https://app.example" } });
      expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example");
      const other = await withCors.request("/healthz", { headers: { origin: "https://evil.example" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});

describe("classify, chips and rules", () => {
  it("classifies a catalog chip with its rule version and reasons", async () => {
    const res = await s.request("/v1/classify", {
      json: { chip: "nvidia-h100-sxm5-80gb", date: "2024-06-01" },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      chip: string;
      paragraph: string;
      reasons: unknown[];
      ruleVersion: { id: string };
    };
    expect(body.chip).toBe("nvidia-h100-sxm5-80gb");
    expect(body.paragraph).toMatch(/^3A090\.a/);
    expect(body.ruleVersion.id).toBe("ear-2024-04");
    expect(body.reasons.length).toBeGreaterThan(0);
  });

  it("classifies a spec, and says undetermined when a deciding input is missing", async () => {
    const res = await s.request("/v1/classify", {
      json: { spec: { name: "X1", datacenter: true, denseTops: { fp16: 200 } }, date: "2024-06-01" },
    });
    const body = (await res.json()) as { status: string; undetermined: { field: string }[] };
    expect(body.status).toBe("undetermined");
    expect(body.undetermined.map((u) => u.field)).toContain("dieAreaMm2");
  });

  it("lists, searches, pages and details chips; gives a chip's history", async () => {
    const all = (await (await s.request("/v1/chips?limit=5&offset=2")).json()) as {
      chips: { id: string }[];
      total: number;
    };
    expect(all.chips).toHaveLength(5);
    expect(all.total).toBeGreaterThan(50);
    const search = (await (await s.request("/v1/chips?search=h20")).json()) as { chips: { id: string }[] };
    expect(search.chips.map((c) => c.id)).toContain("nvidia-h20");
    const detail = (await (await s.request("/v1/chips/nvidia-h20")).json()) as { id: string; vendor: string };
    expect(detail).toMatchObject({ id: "nvidia-h20", vendor: "NVIDIA" });
    const history = (await (await s.request("/v1/chips/nvidia-a800-sxm4-80gb/history")).json()) as {
      history: { from: string; paragraph: string | null }[];
    };
    expect(history.history[0]!.paragraph).toBeNull();
    expect(history.history.some((h) => h.paragraph?.startsWith("3A090"))).toBe(true);
  });

  it("gives rule versions, a timeline per mode and country groups with verification status", async () => {
    const versions = (await (await s.request("/v1/rules/versions")).json()) as {
      verifiedThrough: string;
      versions: { id: string }[];
    };
    expect(versions.versions.map((v) => v.id)).toContain("ear-2023-11");
    expect(versions.verifiedThrough).toBe("2026-09-30");
    const info = (await (await s.request("/v1/data/info")).json()) as { rules: { verifiedThrough: string } };
    expect(info.rules.verifiedThrough).toBe("2026-09-30");
    const timeline = (await (await s.request("/v1/rules/timeline?mode=as-codified")).json()) as {
      periods: { from: string; to: string | null }[];
    };
    const periods = timeline.periods;
    expect(periods.at(-1)!.to).toBeNull();
    for (let i = 1; i < periods.length; i++) expect(periods[i - 1]!.to).toBe(periods[i]!.from);
    const groups = (await (await s.request("/v1/rules/country-groups?date=2024-06-01")).json()) as {
      groups: { name: string; verification: string; members: string[] }[];
    };
    const d5 = groups.groups.find((g) => g.name === "D5")!;
    expect(d5.verification).toBe("secondary-snapshot");
    expect((d5 as unknown as { verificationStatus: string }).verificationStatus).toBe(
      "secondary snapshot of 2026-07-08",
    );
    expect(d5.members).toContain("CN");
  });
});

describe("screening", () => {
  it("screens one name and never logs it", async () => {
    const res = await s.request("/v1/screen", {
      json: { name: "Huawei Technologies Co., Ltd.", country: "cn" },
      key: s.key.analyst,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      band: string;
      country: string;
      hits: { list: string }[];
      screeningData: { hash: string };
    };
    expect(body.band).toBe("match");
    expect(body.country).toBe("CN");
    expect(body.hits.map((h) => h.list)).toContain("EL");
    expect(body.screeningData.hash).toMatch(/^[0-9a-f]{64}$/);
    s.app.request("/healthz");
    await new Promise((r) => setImmediate(r));
    const logText = s.logs.join("\n");
    expect(logText).toContain('"route":"/v1/screen"');
    expect(logText).not.toContain("Huawei");
    for (const key of Object.values(s.key)) expect(logText).not.toContain(key);
  });

  it("screens a batch in order and rejects more than 1,000 names", async () => {
    const res = await s.request("/v1/screen/batch", {
      json: {
        queries: [{ name: "Acme Widgets GmbH" }, { name: "华为技术有限公司" }, { name: "Rosoboronexport" }],
      },
    });
    const body = (await res.json()) as {
      results: { query: string; band: string }[];
      summary: { match: number; review: number; clear: number };
    };
    expect(body.results.map((r) => r.query)).toEqual([
      "Acme Widgets GmbH",
      "华为技术有限公司",
      "Rosoboronexport",
    ]);
    expect(body.results[0]!.band).toBe("clear");
    expect(body.results[1]!.band).toBe("match");
    expect(body.summary.clear + body.summary.match + body.summary.review).toBe(3);
    const tooMany = await s.request("/v1/screen/batch", {
      json: { queries: Array.from({ length: 1001 }, () => ({ name: "a" })) },
    });
    expect(tooMany.status).toBe(400);
    expect((await errorOf(tooMany)).issues[0]!.path).toBe("queries");
  });

  it("streams a CSV upload back as JSON Lines, with an error line per bad row and a summary", async () => {
    const rows = [
      "name,country",
      "Huawei Technologies,CN",
      ",US",
      "Acme Widgets,XYZ",
      ...Array.from({ length: 300 }, (_, i) => `Company ${i},DE`),
    ];
    const res = await s.request("/v1/screen/csv?countryColumn=country", {
      method: "POST",
      body: `${rows.join("\n")}\n`,
      headers: { "content-type": "text/csv" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(304);
    expect(lines[0]).toMatchObject({ line: 2, query: "Huawei Technologies", country: "CN", band: "match" });
    expect(lines[1]).toMatchObject({ line: 3, error: 'column "name" is empty' });
    expect(lines[2]).toMatchObject({ line: 4 });
    expect(lines[2].error).toContain("ISO");
    expect(lines.at(-1)).toEqual({ summary: expect.objectContaining({ rows: 303, errors: 2 }) });
  });

  it("takes limit, minScore and lists, and says how many more hits there are", async () => {
    const one = async (json: unknown) => {
      const res = await s.request("/v1/screen", { json, key: s.key.analyst });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const all = (await one({ name: "Huawei Technologies", limit: 100 })).body as {
      hits: { list: string; score: number }[];
      moreHits: number;
    };
    expect(all.hits.length).toBeGreaterThan(2);
    expect(all.moreHits).toBe(0);
    const two = (await one({ name: "Huawei Technologies", limit: 2 })).body as {
      hits: unknown[];
      moreHits: number;
    };
    expect(two.hits).toHaveLength(2);
    expect(two.moreHits).toBe(all.hits.length - 2);
    const cmic = (await one({ name: "Huawei Technologies", lists: "cmic" })).body as {
      hits: { list: string }[];
    };
    expect(cmic.hits.map((h) => h.list)).toEqual(["CMIC"]);
    const el = (await one({ name: "Huawei Technologies", lists: ["EL", "MEU"], minScore: 0.95 })).body as {
      hits: { list: string; score: number }[];
    };
    expect(el.hits.length).toBeGreaterThan(0);
    expect(el.hits.every((h) => h.list === "EL" && h.score >= 0.95)).toBe(true);
    const bad = await s.request("/v1/screen", { json: { name: "Huawei", lists: "EL,XYZ", limit: 0 } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues.map((i) => i.path).sort()).toEqual(["limit", "lists"]);
    const long = await s.request("/v1/screen", { json: { name: "x".repeat(501) } });
    expect(long.status).toBe(400);
    const batch = (await (
      await s.request("/v1/screen/batch", {
        json: { queries: [{ name: "Huawei Technologies" }, { name: "Acme Widgets" }], limit: 1, lists: "EL" },
      })
    ).json()) as { results: { hits: { list: string }[]; moreHits: number }[] };
    expect(batch.results[0]!.hits.map((h) => h.list)).toEqual(["EL"]);
    expect(batch.results[0]!.moreHits).toBeGreaterThan(0);
  });

  it("keeps an upload's other columns, reports an over-long name as a bad row, and applies the controls", async () => {
    const res = await s.request("/v1/screen/csv?column=party&limit=1&lists=EL", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: `ref,party,amount\nA-1,Huawei Technologies,10\nA-2,${"z".repeat(501)},20\n`,
    });
    const lines = (await res.text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ line: 2, band: "match", input: { ref: "A-1", amount: "10" } });
    expect(lines[0].hits.map((h: { list: string }) => h.list)).toEqual(["EL"]);
    expect(lines[0].moreHits).toBeGreaterThan(0);
    expect(lines[1]).toEqual({
      line: 3,
      query: "z".repeat(501),
      error: 'column "party" is longer than 500 characters',
      input: { ref: "A-2", amount: "20" },
    });
    expect(lines[2]).toEqual({ summary: { rows: 2, match: 1, review: 0, clear: 0, errors: 1 } });
    const csv = await (
      await s.request("/v1/screen/csv?format=csv&column=party", {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: "ref,party\nA-1,Acme Widgets\n",
      })
    ).text();
    expect(csv.split("\n").slice(0, 2)).toEqual([
      "line,query,country,rank,id,name,list,score,band,explanation,ref",
      "2,Acme Widgets,,0,,,,,,,A-1",
    ]);
  });

  it("reports the native names joined to the list in data info", async () => {
    const info = (await (await s.request("/v1/data/info")).json()) as {
      screening: {
        enrichment: { rows: number; joinedRows: number; unjoinedRows: number; unjoined: unknown[] };
      };
    };
    expect(info.screening.enrichment.rows).toBeGreaterThan(1000);
    expect(info.screening.enrichment.joinedRows + info.screening.enrichment.unjoinedRows).toBe(
      info.screening.enrichment.rows,
    );
    expect(info.screening.enrichment.unjoined).toHaveLength(info.screening.enrichment.unjoinedRows);
  });

  it("streams CSV out when asked, and rejects an unknown column before streaming", async () => {
    const res = await s.request("/v1/screen/csv?format=csv&column=party", {
      method: "POST",
      body: "party\nHuawei Technologies\nAcme Widgets\n",
      headers: { "content-type": "text/csv" },
    });
    const text = await res.text();
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(text.split("\n")[0]).toBe("line,query,country,rank,id,name,list,score,band,explanation");
    expect(text).toContain("Huawei Technologies");
    const bad = await s.request("/v1/screen/csv?column=party", {
      method: "POST",
      body: "name\nx\n",
      headers: { "content-type": "text/csv" },
    });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues[0]!.path).toBe("query.column");
  });
});

describe("decisions and the audit trail", () => {
  it("decides, records, and serves the record by id and in filtered pages", async () => {
    const res = await s.request("/v1/decisions", { json: transaction, key: s.key.analyst });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      id: string;
      decision: { outcome: string };
      record: { seq: number; hash: string };
    };
    expect(res.headers.get("location")).toBe(`/v1/decisions/${body.id}`);
    expect(body.decision.outcome).toBe("license-required");
    const got = (await (await s.request(`/v1/decisions/${body.id}`, { key: s.key.admin })).json()) as {
      id: string;
      seq: number;
      hash: string;
      input: unknown;
      output: unknown;
      actor: string;
    };
    expect(got.hash).toBe(body.record.hash);
    expect(got.seq).toBe(body.record.seq);
    expect(got.input).toEqual(transaction);
    // The answer is the decision exactly as the trail stored and hashed it.
    expect(got.output).toEqual(body.decision);
    const analystId = (await s.keys.list()).find((k) => k.name === "test analyst")!.id;
    expect(got.actor).toBe(`key:${analystId}`);

    for (let i = 0; i < 3; i++)
      expect((await s.request("/v1/decisions", { json: transaction, key: s.key.analyst })).status).toBe(201);
    const page1 = (await (await s.request(`/v1/decisions?actor=key:${analystId}&limit=2`)).json()) as {
      decisions: { seq: number }[];
      nextCursor: string | null;
    };
    expect(page1.decisions).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await (
      await s.request(`/v1/decisions?actor=key:${analystId}&limit=2&cursor=${page1.nextCursor}`)
    ).json()) as {
      decisions: { seq: number }[];
    };
    expect(page2.decisions[0]!.seq).toBeGreaterThan(page1.decisions[1]!.seq);
    const missing = await s.request("/v1/decisions/00000000-0000-0000-0000-000000000000");
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("NOT_FOUND");
  });

  it("rejects an invalid transaction with 400 and records nothing", async () => {
    const before = (await s.store.head()).seq;
    const res = await s.request("/v1/decisions", { json: { destination: "XX", items: [] } });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.issues.map((i) => i.path).sort()).toEqual(["destination", "items"]);
    expect((await s.store.head()).seq).toBe(before);
  });

  it("verifies the trail and exports it streamed, record for record", async () => {
    const verify = (await (await s.request("/v1/audit/verify", { key: s.key.viewer })).json()) as {
      ok: boolean;
      checked: number;
    };
    expect(verify.ok).toBe(true);
    const head = await s.store.head();
    expect(verify.checked).toBe(head.seq);
    const res = await s.request("/v1/audit/export?format=jsonl");
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(head.seq);
    const last = JSON.parse(lines.at(-1)!) as { seq: number; hash: string };
    expect(last).toMatchObject({ seq: head.seq, hash: head.hash });
    expect(lines.at(-1)).toBe(canonicalJson(last));
    const csv = await (await s.request("/v1/audit/export?format=csv")).text();
    expect(csv.split("\r\n")[0]).toBe(
      "seq,id,recordedAt,kind,actor,outcome,engineVersion,ruleDataVersion,screeningDataVersion,input,output,prevHash,hash",
    );
    const bad = await s.request("/v1/audit/export?format=xml&from=yesterday");
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).issues.map((i) => i.path)).toContain("query.format");
  });
});

describe("data and keys", () => {
  it("imports a CSL file and puts it in force; a broken file replaces nothing", async () => {
    const before = (await (await s.request("/v1/data/info")).json()) as {
      screening: { hash: string; source: string };
    };
    expect(before.screening.source).toBe("bundled");
    // A party decided before the import is screened again after it, not answered from the old list's cache.
    const zhipu = { ...transaction, endUser: { name: "Zhipu AI", country: "CN", headquarters: "CN" } };
    const partyBand = async (): Promise<string | null> => {
      const res = await s.request("/v1/decisions", { json: zhipu, key: s.key.analyst });
      return ((await res.json()) as { decision: { parties: { band: string | null }[] } }).decision.parties[0]!
        .band;
    };
    expect(await partyBand()).toBe("match");
    expect(await partyBand()).toBe("match");
    const broken = await s.request("/v1/data/import", {
      method: "POST",
      body: readFileSync(join(import.meta.dirname, "../fixtures/screening/broken-unknown-column.csv")),
      headers: { "content-type": "text/csv" },
    });
    expect(broken.status).toBe(400);
    expect((await errorOf(broken)).code).toBe("SCREENING_DATA_INVALID");
    const same = (await (await s.request("/v1/data/info")).json()) as { screening: { hash: string } };
    expect(same.screening.hash).toBe(before.screening.hash);

    // The excerpt is far smaller than the bundled list: it goes in force only when shrinking is allowed.
    const res = await s.request("/v1/data/import?filename=excerpt.csv&allowShrink=true", {
      method: "POST",
      body: readFileSync(join(import.meta.dirname, "../fixtures/screening/csl-2022-excerpt.csv")),
      headers: { "content-type": "text/csv" },
    });
    expect(res.status).toBe(200);
    const after = (await (await s.request("/v1/data/info")).json()) as {
      screening: { hash: string; source: string; importedFrom: string };
    };
    expect(after.screening).toMatchObject({ source: "imported", importedFrom: "excerpt.csv" });
    expect(after.screening.hash).not.toBe(before.screening.hash);
    expect(await partyBand()).toBeNull();
    // Restore the bundled list for the tests that follow in this file.
    const { loadData } = await import("./helpers.js");
    s.state.swapScreening((await loadData()).screening);
  });

  it("creates, lists and revokes keys over HTTP; the list never shows a key or its hash", async () => {
    const created = await s.request("/v1/keys", { json: { role: "viewer", name: "dashboard" } });
    expect(created.status).toBe(201);
    const { key, id } = (await created.json()) as { key: string; id: string };
    expect((await s.request("/v1/chips?limit=1", { key })).status).toBe(200);
    const listText = await (await s.request("/v1/keys")).text();
    expect(listText).toContain(id);
    expect(listText).not.toContain(key.slice(16));
    expect(listText).not.toMatch(/[0-9a-f]{64}/);
    expect((await s.request(`/v1/keys/${id}`, { method: "DELETE" })).status).toBe(200);
    expect((await s.request("/v1/keys/nope", { method: "DELETE" })).status).toBe(404);
    const bad = await s.request("/v1/keys", { json: { role: "root" } });
    expect((await errorOf(bad)).issues[0]!.path).toBe("role");
  });
});

describe("metrics", () => {
  it("counts requests by route template and status, screenings and decisions", async () => {
    const res = await s.request("/metrics", { key: s.key.viewer });
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(
      /chipgate_http_requests_total\{method="post",route="\/v1\/classify",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /chipgate_http_request_duration_seconds_bucket\{method="get",route="\/v1\/chips\/\{id\}",le="\+Inf"\} \d+/,
    );
    expect(text).toMatch(/chipgate_screenings_total\{result="match"\} [1-9]/);
    expect(text).toMatch(/chipgate_decisions_total\{outcome="license-required"\} [1-9]/);
    expect(text).toContain("chipgate_ready 1");
    expect((await s.request("/metrics", { key: null })).status).toBe(401);
  });
});
