import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

const fixtures = join(import.meta.dirname, "../fixtures/federal-register");
export const fixture = (name: string): string => readFileSync(join(fixtures, name), "utf8");

interface Answer {
  status?: number;
  type?: string;
  body: string;
}
/** A scenario answers one request to `/<scenario>/api/v1/documents[.json]`; undefined leaves it unanswered. */
type Scenario = (query: URLSearchParams, base: string) => Answer | undefined;

const json = (body: string): Answer => ({ body });

const scenarios: Record<string, Scenario> = {
  "two-pages": (q) => json(fixture(q.get("page") === "2" ? "page-2.json" : "page-1.json")),
  empty: () => json(fixture("empty.json")),
  malformed: () => json(fixture("malformed.json")),
  html: () => ({
    type: "text/html",
    body: "<!DOCTYPE html><html><body><h1>Service maintenance</h1></body></html>",
  }),
  "http-error": () => ({ status: 503, type: "text/plain", body: "Service Unavailable: back soon" }),
  hang: () => undefined,
  huge: () => json(JSON.stringify({ count: 1, results: [], padding: "x".repeat(200_000) })),
  // A next page that leads back to the same page forever.
  loop: (_q, base) =>
    json(JSON.stringify({ count: 1, results: [], next_page_url: `${base}/documents?page=1` })),
  // Every page leads to one more page: more pages than the reader follows.
  endless: (q, base) =>
    json(
      JSON.stringify({
        count: 3,
        results: [],
        next_page_url: `${base}/documents?page=${Number(q.get("page") ?? "1") + 1}`,
      }),
    ),
  elsewhere: () =>
    json(
      JSON.stringify({
        count: 1,
        results: [],
        next_page_url: "http://attacker.invalid/api/v1/documents?page=2",
      }),
    ),
  // Counts more documents than the reader would page through.
  "too-many": () => json(JSON.stringify({ count: 1_000_000, total_pages: 10_000, results: [] })),
};

export interface FixtureServer {
  /** `--api-url` for a scenario: http://127.0.0.1:<port>/<scenario>/api/v1 */
  apiUrl(scenario: keyof typeof scenarios): string;
  /** Every request received, as path + query. */
  requests: string[];
  close(): Promise<void>;
}

/** A local stand-in for the Federal Register documents API, serving the fixtures above. */
export async function startFederalRegisterServer(): Promise<FixtureServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const match = /^\/([a-z-]+)\/api\/v1\/documents(\.json)?$/.exec(url.pathname);
    const scenario = match ? scenarios[match[1]!] : undefined;
    if (!scenario) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"errors":["not found"]}');
      return;
    }
    const answer = scenario(url.searchParams, `http://127.0.0.1:${port}/${match![1]}/api/v1`);
    if (answer === undefined) return; // hang: never answer
    res
      .writeHead(answer.status ?? 200, { "content-type": answer.type ?? "application/json; charset=utf-8" })
      .end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    apiUrl: (scenario) => `http://127.0.0.1:${port}/${scenario}/api/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
