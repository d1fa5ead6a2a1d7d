/**
 * The load generator of `npm run bench:http`, run as its own process so it does not share an event loop
 * (or a core's worth of scheduling) with the server it measures. Prints one JSON result on stdout.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  path: string;
  key: string;
  connections: number;
  seconds: number;
  /** A fixed JSON body, or the name of a generated one. */
  body: unknown;
  /**
   * Rotate `name` over these (repeat customers), or take each name once, in order, from a file of one name per
   * line from line `from` on (`{ file, from }`: the caller writes more names than its runs send, and moves
   * `from` past the names each run sent).
   */
  names?: string[] | { file: string; from: number };
  /** The status every answer should have (default any 2xx): 400 for a load of requests to be refused. */
  status?: number;
  /** Set `name` in the body to one word of this many letters (made here: argv cannot carry a megabyte). */
  nameLength?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  total: number;
  /** Answers with another status than the one expected (any 2xx when none is). */
  non2xx: number;
  errors: number;
  /** CPU time this load process used, as a share of one core over the run (user + system). */
  clientCpu: number;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const headers = { authorization: `Bearer ${spec.key}`, "content-type": "application/json" };
  const fixed = JSON.stringify(
    spec.nameLength === undefined
      ? spec.body
      : { ...(spec.body as object), name: "a".repeat(spec.nameLength) },
  );
  let n = Array.isArray(spec.names) ? 0 : (spec.names?.from ?? 0);
  const names = Array.isArray(spec.names)
    ? spec.names
    : spec.names
      ? readFileSync(spec.names.file, "utf8")
          .split("\n")
          .filter((l) => l !== "")
      : undefined;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    requests: [
      {
        method: "POST",
        path: spec.path,
        headers,
        body: fixed,
        ...(names !== undefined && {
          setupRequest: (request) => {
            const i = n++;
            const name = names[i % names.length]!;
            return { ...request, body: JSON.stringify({ ...(spec.body as object), name }) };
          },
        }),
      },
    ],
  });
  const used = process.cpuUsage(cpu);
  return {
    clientCpu: Math.round(((used.user + used.system) / 1000 / (performance.now() - started)) * 100) / 100,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    total: result.requests.total,
    non2xx:
      spec.status === undefined
        ? result.non2xx
        : result.requests.total - (result.statusCodeStats[String(spec.status)]?.count ?? 0),
    errors: result.errors + result.timeouts,
  };
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
process.stdout.write(`${JSON.stringify(await run(spec))}\n`);
