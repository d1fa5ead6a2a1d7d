/** Upper bounds (seconds) of the latency histogram buckets. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10] as const;

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * Prometheus counters and histograms kept in process memory; each server reports its own, as Prometheus
 * expects one target per process. Labels use route templates, never raw paths, so cardinality stays bounded.
 */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly screenings = new Map<string, number>();
  private readonly decisions = new Map<string, number>();
  private onThread = 0;
  private readonly started = Date.now();

  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lkey = `${method}\u0000${route}`;
    let h = this.latency.get(lkey);
    if (!h) {
      h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.latency.set(lkey, h);
    }
    h.sum += seconds;
    h.count++;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        h.counts[i]!++;
        break;
      }
    }
  }

  screening(result: "match" | "review" | "clear", n = 1): void {
    this.screenings.set(result, (this.screenings.get(result) ?? 0) + n);
  }

  /** A name screened on the screening thread rather than the server's own. */
  screenedOnThread(): void {
    this.onThread++;
  }

  decision(outcome: string): void {
    this.decisions.set(outcome, (this.decisions.get(outcome) ?? 0) + 1);
  }

  /** The text exposition format, version 0.0.4. */
  render(extra: { ready: boolean }): string {
    const out: string[] = [];
    const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
    out.push("# HELP chipgate_http_requests_total HTTP requests answered, by route template and status.");
    out.push("# TYPE chipgate_http_requests_total counter");
    for (const [key, n] of this.requests) {
      const [method, route, status] = key.split("\u0000") as [string, string, string];
      out.push(
        `chipgate_http_requests_total{method="${method}",route="${esc(route)}",status="${status}"} ${n}`,
      );
    }
    out.push("# HELP chipgate_http_request_duration_seconds Time from request to response headers.");
    out.push("# TYPE chipgate_http_request_duration_seconds histogram");
    for (const [key, h] of this.latency) {
      const [method, route] = key.split("\u0000") as [string, string];
      const labels = `method="${method}",route="${esc(route)}"`;
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += h.counts[i]!;
        out.push(`chipgate_http_request_duration_seconds_bucket{${labels},le="${le}"} ${cumulative}`);
      });
      out.push(`chipgate_http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      out.push(`chipgate_http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      out.push(`chipgate_http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    out.push("# HELP chipgate_screenings_total Names screened, by result (match, review, clear).");
    out.push("# TYPE chipgate_screenings_total counter");
    for (const result of ["match", "review", "clear"]) {
      out.push(`chipgate_screenings_total{result="${result}"} ${this.screenings.get(result) ?? 0}`);
    }
    out.push("# HELP chipgate_screenings_on_thread_total Of those, names screened on the screening thread.");
    out.push("# TYPE chipgate_screenings_on_thread_total counter");
    out.push(`chipgate_screenings_on_thread_total ${this.onThread}`);
    out.push("# HELP chipgate_decisions_total Decisions recorded in the audit trail, by outcome.");
    out.push("# TYPE chipgate_decisions_total counter");
    for (const [outcome, n] of this.decisions) {
      out.push(`chipgate_decisions_total{outcome="${esc(outcome)}"} ${n}`);
    }
    out.push("# HELP chipgate_ready 1 once data is loaded and the database answered.");
    out.push("# TYPE chipgate_ready gauge");
    out.push(`chipgate_ready ${extra.ready ? 1 : 0}`);
    out.push("# HELP chipgate_uptime_seconds Seconds since the server started.");
    out.push("# TYPE chipgate_uptime_seconds gauge");
    out.push(`chipgate_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    return `${out.join("\n")}\n`;
  }
}
