import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, type TestServer, testServer } from "../server/helpers.js";

interface Me {
  role: string;
  actor: string;
  keyId: string | null;
  authMode: string;
}
interface Classifications {
  chips: { id: string; paragraph: string | null }[];
  ruleVersion: { id: string };
  thresholds: {
    citation: { url: string };
    paragraphs: { id: string; all: { input: string; op: string; value: number | boolean }[] }[];
  };
}
interface Frontiers {
  frontiers: {
    country: string;
    steps: { from: string; to: string; noLicense: string[] }[];
    events: { id: string }[];
  }[];
}
interface OpenApi {
  paths: Record<string, { get: { "x-chipgate-role": string; parameters: { name: string }[] } }>;
}
const body = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

/** The routes the web UI needs beyond the resource routes, and the static serving of the built UI. */

let s: TestServer;
let open: TestServer;
let webDir: string;

beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), "chipgate-webdir-"));
  mkdirSync(join(webDir, "assets"));
  writeFileSync(join(webDir, "index.html"), "<!doctype html><title>ChipGate UI</title>");
  writeFileSync(join(webDir, "assets", "app-abc123.js"), "console.log(1)");
  s = await testServer({ config: { webDir } });
  open = await testServer({ withKeys: false, config: { webDir: join(webDir, "missing") } });
});
afterAll(async () => {
  await s?.close();
  await open?.close();
  rmSync(webDir, { recursive: true, force: true });
});

describe("GET /v1/me", () => {
  it("names the role of the key, and admin in the open local mode", async () => {
    const viewer = await body<Me>(s.request("/v1/me", { key: s.key.viewer }));
    expect(viewer).toMatchObject({ role: "viewer", authMode: "keys" });
    expect(viewer.actor).toBe(`key:${viewer.keyId}`);
    expect((await s.request("/v1/me", { key: null })).status).toBe(401);
    const local = await body<Me>(open.request("/v1/me", { key: null }));
    expect(local).toEqual({ role: "admin", actor: "local", keyId: null, authMode: "open-loopback" });
  });
});

describe("GET /v1/classifications", () => {
  it("classifies every catalog chip on the date, with the 3A090 thresholds in force", async () => {
    const before = await body<Classifications>(
      s.request("/v1/classifications?date=2022-11-01", { key: s.key.viewer }),
    );
    const after = await body<Classifications>(
      s.request("/v1/classifications?date=2023-12-01", { key: s.key.viewer }),
    );
    const a800 = (b: Classifications) => b.chips.find((c) => c.id === "nvidia-a800-sxm4-80gb")!;
    expect(after.chips.length).toBeGreaterThan(50);
    expect(a800(before).paragraph).toBeNull();
    expect(a800(after).paragraph).toBe("3A090.a.1");
    expect(after.ruleVersion.id).toBe("ear-2023-11");
    const ids = after.thresholds.paragraphs.map((p: { id: string }) => p.id);
    expect(ids).toEqual(["3A090.a.1", "3A090.a.2", "3A090.b.1", "3A090.b.2"]);
    const a2 = after.thresholds.paragraphs[1]!;
    expect(a2.all).toEqual([
      expect.objectContaining({ input: "tpp", op: "gte", value: 1600 }),
      expect.objectContaining({ input: "pd", op: "gte", value: 5.92 }),
    ]);
    expect(after.thresholds.citation.url).toMatch(/^https:\/\//);
    expect(before.thresholds.paragraphs[0]!.all.map((c: { input: string }) => c.input)).toEqual([
      "io",
      "tpp",
    ]);
  });

  it("rejects a bad date and mode with the documented error shape", async () => {
    const res = await s.request("/v1/classifications?date=2023-02-30&mode=lax", { key: s.key.viewer });
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.issues.map((i) => i.path).sort()).toEqual(["query.date", "query.mode"]);
  });
});

describe("GET /v1/frontier", () => {
  it("returns frontier() for each country, with steps between rule changes", async () => {
    const res = await s.request("/v1/frontier?country=CN,ae&from=2022-01-01&to=2026-06-30", {
      key: s.key.viewer,
    });
    expect(res.status).toBe(200);
    const f = await body<Frontiers>(res);
    expect(f.frontiers.map((f: { country: string }) => f.country)).toEqual(["CN", "AE"]);
    const cn = f.frontiers[0]!;
    const at = (date: string) => cn.steps.find((st) => st.from <= date && date <= st.to)!;
    expect(at("2023-06-01").noLicense).toContain("nvidia-a800-sxm4-80gb");
    expect(at("2024-06-01").noLicense).not.toContain("nvidia-a800-sxm4-80gb");
    expect(at("2024-06-01").noLicense).toContain("nvidia-h20");
    expect(at("2025-06-01").noLicense).not.toContain("nvidia-h20");
    expect(cn.events.map((e: { id: string }) => e.id)).toContain("ear-2023-11");
    expect(cn.steps.at(-1)!.to).toBe("2026-06-30");
  });

  it("validates countries and the range", async () => {
    const bad = await errorOf(
      await s.request("/v1/frontier?country=CN,XX&from=2025-01-01&to=2024-01-01", { key: s.key.viewer }),
    );
    expect(bad.code).toBe("INVALID_INPUT");
    expect(bad.issues.map((i) => i.path).sort()).toEqual(["query.country", "query.from"]);
    const missing = await errorOf(await s.request("/v1/frontier", { key: s.key.viewer }));
    expect(missing.issues[0]!.path).toBe("query.country");
  });

  it("is in the OpenAPI document with the viewer role", async () => {
    const doc = await body<OpenApi>(s.request("/openapi.json", { key: null }));
    for (const path of ["/v1/frontier", "/v1/classifications", "/v1/me"]) {
      expect(doc.paths[path]!.get["x-chipgate-role"]).toBe("viewer");
    }
    expect(doc.paths["/v1/frontier"]!.get.parameters.map((p: { name: string }) => p.name)).toEqual([
      "country",
      "from",
      "to",
      "mode",
      "unreleased",
    ]);
  });
});

describe("the web UI at /", () => {
  it("serves index.html for app paths with a CSP that allows only this origin's scripts", async () => {
    for (const path of ["/", "/chips/nvidia-h20", "/audit"]) {
      const res = await s.request(path, { key: null });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("ChipGate UI");
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    }
    const asset = await s.request("/assets/app-abc123.js", { key: null });
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await s.request("/assets/gone-123.js", { key: null })).status).toBe(404);
    expect((await s.request("/../package.json", { key: null })).status).not.toBe(500);
  });

  it("never answers API paths with the app", async () => {
    for (const path of ["/v1/nothing-here", "/v1", "/metrics/x", "/docs/x"]) {
      const res = await s.request(path, { key: null });
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe("ROUTE_NOT_FOUND");
    }
    expect((await s.request("/healthz", { key: null })).status).toBe(200);
    expect((await s.request("/", { method: "POST", key: null })).status).toBe(404);
  });

  it("says how to build the UI when it is not built", async () => {
    const res = await open.request("/", { key: null });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build");
  });
});
