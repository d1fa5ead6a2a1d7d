import { Badge, ErrorBox, Loading, PageTitle, useApi } from "../components/common";
import { chipName, num, statusColor, statusOf } from "../format";
import type { CatalogChip, ChipHistory, HistoryStep } from "../types";

function HistoryTable({ history, mode }: { history: ChipHistory | undefined; mode: string }) {
  if (!history) return <Loading what={`the ${mode} history`} />;
  return (
    <div class="table-wrap">
      <table class="data" data-mode={mode}>
        <caption>{mode === "as-enforced" ? "As enforced" : "As codified"}</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Until</th>
            <th scope="col">Rule version</th>
            <th scope="col">Classification</th>
          </tr>
        </thead>
        <tbody>
          {history.history.map((h: HistoryStep) => {
            const key = statusOf(h);
            const text =
              h.status === "undetermined"
                ? `Undetermined: needs ${h.undetermined.join(", ")}`
                : (h.paragraph ?? h.eccn ?? "Not in 3A090");
            return (
              <tr key={h.from}>
                <td>{h.from}</td>
                <td>{h.to ?? "in force"}</td>
                <td>
                  <code>{h.ruleVersion}</code>
                </td>
                <td>
                  <Badge color={statusColor[key]}>{text}</Badge>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export default function ChipPage({ id }: { id: string }) {
  const chip = useApi<CatalogChip>(`/v1/chips/${encodeURIComponent(id)}`);
  const enforced = useApi<ChipHistory>(`/v1/chips/${encodeURIComponent(id)}/history?mode=as-enforced`);
  const codified = useApi<ChipHistory>(`/v1/chips/${encodeURIComponent(id)}/history?mode=as-codified`);
  const c = chip.data;
  const title = c ? chipName(c) : id;
  return (
    <section>
      <p class="crumbs">
        <a href="/">← Chip explorer</a>
      </p>
      <PageTitle title={title}>{title}</PageTitle>
      <ErrorBox error={chip.error} title="This chip could not be loaded" />
      {!c && !chip.error && <Loading what="the chip" />}
      {c && (
        <div class="grid2">
          <div>
            <h2>Specifications</h2>
            <dl class="specs">
              <dt>Catalog id</dt>
              <dd>
                <code>{c.id}</code>
              </dd>
              <dt>Segment</dt>
              <dd>{c.segment}</dd>
              <dt>Designed in</dt>
              <dd>{c.countryOfDesign}</dd>
              <dt>Released</dt>
              <dd>{c.releaseYear ?? "—"}</dd>
              <dt>Dense TOPS</dt>
              <dd>
                {Object.entries(c.spec.denseTops ?? {}).length === 0
                  ? "—"
                  : Object.entries(c.spec.denseTops ?? {})
                      .map(([f, v]) => `${f} ${num(v)}`)
                      .join(" · ")}
              </dd>
              <dt>Die area</dt>
              <dd>{c.spec.dieAreaMm2 ? `${num(c.spec.dieAreaMm2)} mm² (${c.dieAreaBasis})` : "—"}</dd>
              <dt>Memory</dt>
              <dd>
                {c.memoryGb ? `${num(c.memoryGb)} GB ${c.memoryType ?? ""}` : "—"}
                {c.memoryBandwidthGBs ? `, ${num(c.memoryBandwidthGBs, 0)} GB/s` : ""}
              </dd>
              <dt>Interconnect</dt>
              <dd>
                {c.spec.interconnectGBs ? `${num(c.spec.interconnectGBs, 0)} GB/s aggregate` : "—"}
                {c.hostInterface ? ` (host ${c.hostInterface}` : ""}
                {c.fabricGBs ? `, fabric ${num(c.fabricGBs, 0)} GB/s)` : c.hostInterface ? ")" : ""}
              </dd>
              <dt>Power</dt>
              <dd>{c.tdpW ? `${num(c.tdpW, 0)} W` : "—"}</dd>
              <dt>Process</dt>
              <dd>
                {c.processNode ?? "—"}
                {c.transistorsBillion ? `, ${num(c.transistorsBillion)} bn transistors` : ""}
              </dd>
              <dt>TPP scope</dt>
              <dd>{c.tppScope || "—"}</dd>
              <dt>Published TPP / PD</dt>
              <dd>
                {c.publishedTpp !== null
                  ? `${num(c.publishedTpp, 0)} / ${num(c.publishedPd)}`
                  : "none published"}
                {c.publishedSource ? ` (${c.publishedSource})` : ""}
              </dd>
              <dt>Confidence</dt>
              <dd>
                <Badge
                  color={
                    c.computeConfidence === "high"
                      ? "#2f7d5b"
                      : c.computeConfidence === "medium"
                        ? "#b36b00"
                        : "#c23b22"
                  }
                >
                  {c.computeConfidence || "not stated"}
                </Badge>
              </dd>
            </dl>
            {c.notes && (
              <>
                <h3>Notes</h3>
                <p>{c.notes}</p>
              </>
            )}
            <h3>Sources</h3>
            <ul class="sources">
              {c.sources.map((s) => (
                <li key={s}>
                  {/^https?:\/\//.test(s) ? (
                    <a href={s} target="_blank" rel="noopener noreferrer">
                      {s.replace(/^https?:\/\/(www\.)?/, "").slice(0, 90)}
                    </a>
                  ) : (
                    s
                  )}
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h2>Classification history</h2>
            <p class="muted">
              ECCN paragraph under each rule version; consecutive versions with the same result are merged.
              The two modes differ only where the AI Diffusion rule's codified text and its non-enforcement
              diverge.
            </p>
            <ErrorBox error={enforced.error ?? codified.error} title="History could not be loaded" />
            <HistoryTable history={enforced.data} mode="as-enforced" />
            <HistoryTable history={codified.data} mode="as-codified" />
            <p>
              <a class="button" href={`/classify?chip=${encodeURIComponent(c.id)}`}>
                Classify this chip on a date
              </a>{" "}
              <a class="button" href={`/decide?chip=${encodeURIComponent(c.id)}`}>
                Decide an export of it
              </a>
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
