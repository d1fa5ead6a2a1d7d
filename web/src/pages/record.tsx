import { ErrorBox, Loading, PageTitle, useApi } from "../components/common";
import { DecisionView } from "../components/decision-view";
import type { AuditRecord, Decision, RecordSummary } from "../types";

export default function RecordPage({ id }: { id: string }) {
  const rec = useApi<AuditRecord | RecordSummary>(`/v1/decisions/${encodeURIComponent(id)}`);
  const r = rec.data;
  return (
    <section class="record">
      <p class="crumbs no-print">
        <a href="/audit">← Audit trail</a>
      </p>
      <PageTitle title={`Decision record ${id}`}>Decision record</PageTitle>
      <ErrorBox error={rec.error} title="This record could not be loaded" />
      {!r && !rec.error && <Loading what="the record" />}
      {r && (
        <>
          <p class="no-print">
            <button type="button" class="primary" onClick={() => window.print()}>
              Print this record
            </button>
          </p>
          <dl class="specs">
            <dt>Record</dt>
            <dd>
              #{r.seq} · <code>{r.id}</code>
            </dd>
            <dt>Recorded at</dt>
            <dd>{r.recordedAt}</dd>
            <dt>Decided by</dt>
            <dd>{r.actor}</dd>
            <dt>Versions</dt>
            <dd>
              engine {r.versions.engine}, rule data {r.versions.ruleData}, screening{" "}
              {r.versions.screeningData}
            </dd>
            <dt>Hash</dt>
            <dd>
              <code class="hash">{r.hash}</code>
            </dd>
            <dt>Previous hash</dt>
            <dd>
              <code class="hash">{r.prevHash}</code>
            </dd>
          </dl>
          {"input" in r ? (
            <>
              <h2>Transaction as submitted</h2>
              <pre class="json">{JSON.stringify(r.input, null, 2)}</pre>
              <h2>Decision</h2>
              <DecisionView decision={r.output as Decision} />
            </>
          ) : (
            <p class="muted" data-testid="record-summary">
              Outcome {r.outcome ?? "not recorded"}: {r.items ?? "?"} item(s) to {r.destination ?? "?"}
              {r.date ? ` on ${r.date}` : ""}. The transaction and the decision are shown to admin keys only,
              the role that may export the trail.
            </p>
          )}
        </>
      )}
    </section>
  );
}
