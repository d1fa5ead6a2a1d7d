import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChipGateError } from "../../src/core/errors.js";
import { LIMITS } from "../../src/core/limits.js";
import { listEarUpdates, nextPageAddress, normalizeApiUrl } from "../../src/node/federal-register.js";
import { type FixtureServer, startFederalRegisterServer } from "../cli/federal-register-server.js";

let server: FixtureServer;
beforeAll(async () => {
  server = await startFederalRegisterServer();
});
afterAll(() => server.close());

/** The REMOTE_SOURCE_ERROR message of a failed listing. */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChipGateError);
  expect((error as ChipGateError).code).toBe("REMOTE_SOURCE_ERROR");
  expect((error as ChipGateError).isInputError).toBe(true); // the CLI exits 2
  return (error as ChipGateError).message;
}

describe("listEarUpdates: bounds on the download", () => {
  it("gives up on a server that does not answer within the timeout", async () => {
    const started = Date.now();
    const message = await failure(
      listEarUpdates({ since: "2026-01-01", apiUrl: server.apiUrl("hang"), timeoutMs: 300 }),
    );
    expect(message).toContain("no complete answer within 0.3 s (timed out)");
    expect(message).toContain(`${server.apiUrl("hang")}/documents.json`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("refuses an answer page larger than the byte limit", async () => {
    const message = await failure(
      listEarUpdates({ since: "2026-01-01", apiUrl: server.apiUrl("huge"), maxPageBytes: 100_000 }),
    );
    expect(message).toContain("the answer is larger than 100,000 bytes");
  });

  it("stops after the page limit instead of returning part of the list", async () => {
    const message = await failure(
      listEarUpdates({ since: "2026-01-01", apiUrl: server.apiUrl("endless"), maxPages: 3 }),
    );
    expect(message).toContain("there are more than 3 pages; give a later --since");
    expect(server.requests.filter((r) => r.startsWith("/endless/"))).toHaveLength(3);
  });

  it("refuses at once when the first page counts more documents than the pages allowed hold", async () => {
    const message = await failure(listEarUpdates({ since: "2000-01-01", apiUrl: server.apiUrl("too-many") }));
    expect(message).toContain(
      `it counts 1000000 BIS documents since 2000-01-01; give a later --since: this command reads at most ${LIMITS.federalRegisterPages} pages of ${LIMITS.federalRegisterPageSize} documents`,
    );
  });

  it("refuses a next_page_url that leads back to a page already read", async () => {
    const message = await failure(listEarUpdates({ since: "2026-01-01", apiUrl: server.apiUrl("loop") }));
    expect(message).toContain("its next_page_url leads back to a page already read");
  });

  it("does not follow a next_page_url to another host", async () => {
    const message = await failure(
      listEarUpdates({ since: "2026-01-01", apiUrl: server.apiUrl("elsewhere") }),
    );
    expect(message).toContain("its next_page_url leads to another host (http://attacker.invalid)");
  });
});

describe("addresses", () => {
  it("normalizes --api-url and rejects what is not an http(s) base address", () => {
    expect(normalizeApiUrl("http://127.0.0.1:8080/fr/api/v1/")).toBe("http://127.0.0.1:8080/fr/api/v1");
    for (const bad of ["not a url", "file:///etc/passwd", "https://example.org/api/v1?x=1"])
      expect(() => normalizeApiUrl(bad), bad).toThrow(/--api-url: .* is not a base address/);
  });

  it("moves a next page on the public API onto a mirror, keeps relative and same-host pages", () => {
    const mirror = "http://127.0.0.1:9999/fr/api/v1";
    const current = `${mirror}/documents.json?page=1`;
    expect(
      nextPageAddress("https://www.federalregister.gov/api/v1/documents?page=2&format=json", current, mirror),
    ).toBe(`${mirror}/documents?page=2&format=json`);
    expect(nextPageAddress("documents?page=3", current, mirror)).toBe(`${mirror}/documents?page=3`);
    expect(nextPageAddress("http://127.0.0.1:9999/fr/api/v1/documents?page=4", current, mirror)).toBe(
      `${mirror}/documents?page=4`,
    );
  });
});
