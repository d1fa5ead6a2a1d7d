import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEDERAL_REGISTER_FIELDS } from "../../src/core/federal-register.js";
import { loadRuleBook } from "../../src/node/rules-loader.js";
import { closedPort, type FixtureServer, startFederalRegisterServer } from "./federal-register-server.js";
import { cliAsync } from "./helpers.js";

let server: FixtureServer;
beforeAll(async () => {
  server = await startFederalRegisterServer();
});
afterAll(() => server.close());

/** Runs `chipgate rules updates --api-url <url> ...flags`; a scenario name stands for its address. */
const updates = (api: string, ...flags: string[]) =>
  cliAsync(["rules", "updates", "--api-url", api.includes("://") ? api : server.apiUrl(api), ...flags]);
const requestsTo = (scenario: string) => server.requests.filter((r) => r.startsWith(`/${scenario}/`));

// The fixtures' BIS documents since 2026-01-01 that touch a watched part, oldest first (see the fixtures' README).
const expectedNumbers = ["2026-02262", "2026-06851", "2026-14132", "2026-17230"];

describe("chipgate rules updates", () => {
  it("follows next_page_url onto --api-url, filters by date, agency and CFR part, and sorts by publication date", async () => {
    const r = await updates("two-pages", "--since", "2026-01-01", "--json");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.documents.map((d: { documentNumber: string }) => d.documentNumber)).toEqual(expectedNumbers);
    expect(out.count).toBe(4);
    expect(out.scanned).toBe(8);

    const [first, second, ...rest] = requestsTo("two-pages");
    expect(rest).toEqual([]);
    const q = new URL(first!, "http://x").searchParams;
    expect(new URL(first!, "http://x").pathname).toBe("/two-pages/api/v1/documents.json");
    expect(q.getAll("conditions[agencies][]")).toEqual(["industry-and-security-bureau"]);
    expect(q.get("conditions[publication_date][gte]")).toBe("2026-01-01");
    expect(q.getAll("fields[]")).toEqual([...FEDERAL_REGISTER_FIELDS]);
    expect(FEDERAL_REGISTER_FIELDS).toEqual(
      expect.arrayContaining(["cfr_references", "effective_on", "agencies"]),
    );
    // The recorded next_page_url points at www.federalregister.gov; it was read from the local server instead.
    expect(second).toMatch(/^\/two-pages\/api\/v1\/documents\?.*page=2/);
  });

  it("prints --json with exactly the contract keys", async () => {
    const r = await updates("two-pages", "--since", "2026-07-01", "--json");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(["apiUrl", "count", "documents", "parts", "scanned", "since"]);
    expect(out.since).toBe("2026-07-01");
    expect(out.apiUrl).toBe(server.apiUrl("two-pages"));
    expect(out.parts).toEqual([734, 736, 740, 742, 744, 748, 762, 774]);
    expect(out.documents).toEqual([
      {
        documentNumber: "2026-14132",
        title:
          "Enhanced Favorable Treatment for the United Arab Emirates Under the Export Administration Regulations",
        type: "Rule",
        publicationDate: "2026-07-14",
        effectiveOn: "2026-07-10",
        cfrParts: [740, 742, 744],
        htmlUrl: "https://www.federalregister.gov/d/2026-14132",
      },
      {
        documentNumber: "2026-17230",
        title: "Entity List: one addition under Turkey",
        type: "Rule",
        publicationDate: "2026-08-24",
        effectiveOn: "2026-08-24",
        cfrParts: [744],
        htmlUrl: "https://www.federalregister.gov/d/2026-17230",
      },
    ]);
  });

  it("prints a table with each document's dates, type, number, parts, title and address", async () => {
    const r = await updates("two-pages", "--since", "2026-01-01");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("BIS documents in the Federal Register published since 2026-01-01");
    expect(lines[1]).toContain("734, 736, 740, 742, 744, 748, 762 or 774: 4 (of 8 documents read");
    const header = lines.findIndex((l) => l.startsWith("Published"));
    expect(lines[header]).toMatch(/^Published\s+Effective\s+Type\s+Document\s+15 CFR parts\s+Title$/);
    const row = lines[header + 4]!; // header, rule, then two lines per document
    expect(row).toMatch(/^2026-04-09\s+2026-04-07\s+Rule\s+2026-06851\s+740, 744\s+Foundry due diligence/);
    // The address sits under the title column.
    expect(lines[header + 5]!.trim()).toBe("https://www.federalregister.gov/d/2026-06851");
    expect(lines[header + 5]!.indexOf("https://")).toBe(row.indexOf("Foundry"));
    expect(r.stdout).not.toContain("2026-90001");
    expect(r.stdout).not.toContain("2026-90002");
    expect(r.stdout).not.toContain("2026-90003");
    expect(r.stdout).not.toContain("2025-19846");
  });

  it("defaults --since to the rule data's verified-through date", async () => {
    const verifiedThrough = loadRuleBook().verifiedThrough;
    const r = await updates("empty");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`published since ${verifiedThrough} (the rule data's verified-through date)`);
    expect(r.stdout).toContain(": 0 (of 0 documents read");
    const [request] = requestsTo("empty");
    expect(new URL(request!, "http://x").searchParams.get("conditions[publication_date][gte]")).toBe(
      verifiedThrough,
    );

    const j = await updates("empty", "--json");
    expect(JSON.parse(j.stdout)).toMatchObject({ since: verifiedThrough, count: 0, documents: [] });
  });

  it("offline (nothing listens at the address): exit 2 naming the address and the failure, no stack trace", async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/api/v1`;
    const r = await updates(apiUrl, "--since", "2026-01-01");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      `cannot read the Federal Register API at ${apiUrl}/documents.json: connection refused`,
    );
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a malformed answer: exit 2 naming each field that is not as documented", async () => {
    const r = await updates("malformed", "--since", "2026-01-01", "--json");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${server.apiUrl("malformed")}/documents.json`);
    expect(r.stderr).toContain("is not in the documented shape");
    expect(r.stderr).toContain("results[1].document_number");
    expect(r.stderr).toContain(
      "results[1].publication_date: expected a real calendar date written YYYY-MM-DD",
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an answer that is not JSON, or an HTTP error: exit 2 saying which", async () => {
    const html = await updates("html");
    expect(html.status).toBe(2);
    expect(html.stderr).toContain("the answer is not JSON (content-type text/html");
    expect(html.stderr).toContain('it begins "<!DOCTYPE html>');

    const failing = await updates("http-error");
    expect(failing.status).toBe(2);
    expect(failing.stderr).toContain(
      'it answered HTTP 503 Service Unavailable ("Service Unavailable: back soon")',
    );
    expect(failing.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a bad --since or --api-url as input errors", async () => {
    const since = await updates("empty", "--since", "2026-02-30");
    expect(since.status).toBe(2);
    expect(since.stderr).toContain("--since: '2026-02-30' is not a real calendar date");
    const api = await updates("ftp://mirror.example/api/v1");
    expect(api.status).toBe(2);
    expect(api.stderr).toContain("--api-url: 'ftp://mirror.example/api/v1' is not a base address");
  });
});
