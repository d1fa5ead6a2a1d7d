import { useEffect, useState } from "preact/hooks";
import { api, call, qs } from "../api";
import { useCan } from "../auth";
import { Badge, downloadBlob, ErrorBox, Loading, PageTitle } from "../components/common";
import { outcomeColor } from "../components/decision-view";
import { outcomeLabel } from "../format";
import type { AuditRecord, Decision, DecisionPage, RecordSummary, VerifyResult } from "../types";

interface Filters {
  outcome: string;
  actor: string;
  from: string;
  to: string;
}

/** A date typed in the filter (YYYY-MM-DD) as the trail's instant; `to` is exclusive, so the next day. */
function instant(date: string, next = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = new Date(`${date}T00:00:00Z`);
  if (next) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

function recordOutput(r: AuditRecord | RecordSummary | undefined): unknown {
  return r && "output" in r ? r.output : undefined;
}

function summaryOf(r: AuditRecord | RecordSummary): string {
  // Keys below admin read summaries: destination and item count, without the transaction itself.
  if (!("input" in r)) return `${r.items ?? "?"} item(s) → ${r.destination ?? "?"}`;
  const input = r.input as {
    destination?: string;
    items?: { chip?: string; quantity?: number }[];
    endUser?: { name?: string };
  };
  const items = (input.items ?? []).map((i) => `${i.chip ?? "item"} × ${i.quantity ?? 1}`).join(", ");
  return `${items} → ${input.destination ?? "?"}${input.endUser?.name ? ` (${input.endUser.name})` : ""}`;
}

export default function AuditPage() {
  const isAdmin = useCan("admin");
  const [filters, setFilters] = useState<Filters>({ outcome: "", actor: "", from: "", to: "" });
  const [applied, setApplied] = useState<Filters>(filters);
  const [records, setRecords] = useState<(AuditRecord | RecordSummary)[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const [format, setFormat] = useState<"csv" | "jsonl">("csv");
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);

  const query = (f: Filters, c?: string) =>
    qs({
      order: "desc",
      limit: 50,
      outcome: f.outcome,
      actor: f.actor.trim(),
      from: instant(f.from),
      to: instant(f.to, true),
      cursor: c,
    });

  const load = async (f: Filters, more = false) => {
    setLoading(true);
    try {
      const page = await api<DecisionPage>(
        `/v1/decisions${query(f, more ? (cursor ?? undefined) : undefined)}`,
      );
      setRecords((old) => (more ? [...old, ...page.decisions] : page.decisions));
      setCursor(page.nextCursor);
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(applied);
  }, [applied]);

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerify(await api<VerifyResult>("/v1/audit/verify"));
      setVerifyError(null);
    } catch (e) {
      setVerifyError(e);
    } finally {
      setVerifying(false);
    }
  };

  const runExport = async () => {
    setExporting(true);
    try {
      const res = await call(
        `/v1/audit/export${qs({ format, from: instant(applied.from), to: instant(applied.to, true) })}`,
      );
      downloadBlob(
        await res.blob(),
        `chipgate-audit.${format}`,
        format === "csv" ? "text/csv" : "application/x-ndjson",
      );
      setExportError(null);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  };

  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  return (
    <section>
      <PageTitle title="Audit">Audit trail</PageTitle>
      <p class="lede">
        Every recorded decision, newest first. Each record's hash covers the previous one, so any edit,
        removal or insertion breaks the chain — “Verify the chain” recomputes it.
      </p>
      <div class="card">
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            setApplied(filters);
          }}
          aria-label="Filter decisions"
        >
          <label>
            Outcome
            <select
              value={filters.outcome}
              onChange={(e) => set({ outcome: (e.target as HTMLSelectElement).value })}
            >
              <option value="">Any</option>
              {Object.entries(outcomeLabel).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          <label>
            Decided by
            <input
              value={filters.actor}
              placeholder="key:<id> or local"
              onInput={(e) => set({ actor: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label>
            From
            <input
              type="date"
              value={filters.from}
              onInput={(e) => set({ from: (e.target as HTMLInputElement).value })}
            />
          </label>
          <label>
            To (inclusive)
            <input
              type="date"
              value={filters.to}
              onInput={(e) => set({ to: (e.target as HTMLInputElement).value })}
            />
          </label>
          <button type="submit" class="primary">
            Apply filters
          </button>
        </form>
        <div class="row">
          <button type="button" onClick={runVerify} disabled={verifying}>
            {verifying ? "Verifying…" : "Verify the chain"}
          </button>
          {verify && (
            <span role="status" data-testid="verify-result">
              {verify.ok ? (
                <Badge color="#2f7d5b">{`Chain intact: ${verify.checked} records checked`}</Badge>
              ) : (
                <Badge color="#c23b22">{`Chain broken at ${JSON.stringify(verify.firstBad)}`}</Badge>
              )}
            </span>
          )}
          {isAdmin && (
            <span class="export">
              <label>
                Export as{" "}
                <select
                  value={format}
                  onChange={(e) => setFormat((e.target as HTMLSelectElement).value as "csv" | "jsonl")}
                >
                  <option value="csv">CSV</option>
                  <option value="jsonl">JSON Lines (re-verifiable)</option>
                </select>
              </label>{" "}
              <button type="button" onClick={runExport} disabled={exporting}>
                {exporting ? "Exporting…" : "Export"}
              </button>
            </span>
          )}
        </div>
        <ErrorBox error={verifyError} title="Not verified" />
        <ErrorBox error={exportError} title="Not exported" />
      </div>
      <ErrorBox error={error} title="Decisions could not be loaded" />
      {loading && records.length === 0 && <Loading what="decisions" />}
      {!loading && records.length === 0 && !error && <p class="muted">No decisions match these filters.</p>}
      {records.length > 0 && (
        <div class="table-wrap">
          <table class="data" id="audit-table">
            <caption class="sr-only">Recorded decisions</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Recorded (UTC)</th>
                <th scope="col">Outcome</th>
                <th scope="col">Transaction</th>
                <th scope="col">Decided by</th>
                <th scope="col">Record</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={r.id} data-record={r.id}>
                  <td>{r.seq}</td>
                  <td>{r.recordedAt.replace("T", " ").slice(0, 19)}</td>
                  <td>
                    {r.outcome ? (
                      <Badge color={outcomeColor[r.outcome] ?? "#6b7280"}>
                        {outcomeLabel[r.outcome] ?? r.outcome}
                      </Badge>
                    ) : (
                      r.kind
                    )}
                  </td>
                  <td>{summaryOf(r)}</td>
                  <td>{r.actor}</td>
                  <td>
                    <a href={`/decisions/${encodeURIComponent(r.id)}`} aria-label={`Open record ${r.seq}`}>
                      Open
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(applied, true)} disabled={loading}>
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
      {records.length > 0 && (recordOutput(records[0]) as Decision | undefined)?.disclaimer && (
        <p class="muted small">{(recordOutput(records[0]) as Decision).disclaimer}</p>
      )}
    </section>
  );
}
