import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../src/server/app.js";
import { type TestServer, testServer } from "./helpers.js";

let s: TestServer;
let doc: {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: unknown; parameters: { name: string }[]; "x-chipgate-role": string }>
  >;
};
beforeAll(async () => {
  s = await testServer({ loaded: false });
  doc = (await (await s.request("/openapi.json", { key: null })).json()) as typeof doc;
});
afterAll(async () => {
  await s?.close();
});

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("covers every route the app answers, and nothing else", () => {
    const served = new Set(
      s.app.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    for (const r of apiRoutes) expect(documented.has(`${r.method} ${r.path}`)).toBe(true);
    expect(documented.has("get /docs")).toBe(true);
    expect(documented.has("get /openapi.json")).toBe(true);
  });

  it("documents request schemas from the validating zod schemas, and each operation's role", () => {
    const decide = doc.paths["/v1/decisions"]!.post!;
    const schema = (
      decide.requestBody as {
        content: {
          "application/json": { schema: { required: string[]; properties: Record<string, unknown> } };
        };
      }
    ).content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["destination", "items"]));
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["endUser", "consignee", "certifications"]),
    );
    expect(decide["x-chipgate-role"]).toBe("analyst");
    expect(doc.paths["/v1/chips"]!.get!.parameters.map((p) => p.name)).toEqual(["search", "limit", "offset"]);
    expect(doc.paths["/v1/keys"]!.post!["x-chipgate-role"]).toBe("admin");
    expect(doc.paths["/healthz"]!.get!["x-chipgate-role"]).toBe("public");
  });
});

describe("/docs", () => {
  it("is a self-contained page: no external script, style or font, and a CSP that forbids other origins", async () => {
    const res = await s.request("/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain("/openapi.json");
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(http/);
  });
});
