import * as Plot from "@observablehq/plot";
import { Cite, ErrorBox, Loading, PageTitle, useApi } from "../components/common";
import { PlotFigure } from "../components/plot-figure";
import { todayIso } from "../format";
import type { RuleVersions } from "../types";

const modeLabel = { "as-enforced": "As enforced", "as-codified": "As codified" } as const;

export default function RulesPage() {
  const versions = useApi<RuleVersions>("/v1/rules/versions");
  const list = versions.data?.versions ?? [];
  const points = list.flatMap((v, i) =>
    v.modes.map((m) => ({
      date: new Date(`${v.from}T00:00:00Z`),
      mode: modeLabel[m],
      id: v.id,
      title: v.title,
      n: i + 1,
    })),
  );
  const render = (width: number) =>
    list.length === 0
      ? null
      : Plot.plot({
          width,
          height: 150,
          marginLeft: 90,
          marginRight: 20,
          style: { fontSize: "12px", background: "transparent" },
          x: {
            type: "utc",
            label: null,
            domain: [new Date("2021-12-01"), new Date(`${todayIso()}T00:00:00Z`)],
          },
          y: { label: null, domain: ["As enforced", "As codified"] },
          marks: [
            Plot.ruleY(["As enforced", "As codified"], { stroke: "#cbd2dc" }),
            Plot.dot(points, {
              x: "date",
              y: "mode",
              r: 6,
              fill: (d: { mode: string }) => (d.mode === "As enforced" ? "#1f5fbf" : "#b36b00"),
              stroke: "white",
              channels: { Version: "id", Title: "title" },
              tip: true,
            }),
            Plot.text(points, { x: "date", y: "mode", text: "n", dy: -13, fontSize: 10, fill: "#1d2330" }),
          ],
        });

  return (
    <section>
      <PageTitle title="Rules timeline">Rules timeline</PageTitle>
      <p class="lede">
        The US advanced-computing controls as dated versions. Every classification and decision names the
        version in force on its date.
      </p>
      <div class="card modes">
        <h2>Two modes: as enforced and as codified</h2>
        <dl>
          <dt>As enforced (default)</dt>
          <dd>
            What BIS applies in practice. In May 2025 BIS announced it would rescind the January 2025 AI
            Diffusion rule and not enforce its new requirements; no rescission has been found in the Federal
            Register, so in this mode the AI Diffusion requirements stop applying from that announcement.
          </dd>
          <dt>As codified</dt>
          <dd>
            What the Code of Federal Regulations text says: the AI Diffusion rule's worldwide license
            requirement and allocations apply from its compliance date (2025-05-15).
          </dd>
        </dl>
        <p class="muted small">
          Until 2025-05 the two modes agree. Each result also says what the other mode would give.
        </p>
      </div>
      <ErrorBox error={versions.error} title="Rule versions could not be loaded" />
      {!versions.data && !versions.error && <Loading what="the rule versions" />}
      {list.length > 0 && (
        <>
          <figure class="chart">
            <PlotFigure
              render={render}
              deps={[versions.data]}
              label="Timeline of rule versions in the two modes"
            />
            <figcaption class="muted small">
              Numbers refer to the list below. Hover a point for its title.
            </figcaption>
          </figure>
          <ol class="timeline">
            {list.map((v) => (
              <li key={v.id} id={`v-${v.id}`}>
                <div class="when">
                  <time dateTime={v.from}>{v.from}</time>
                  <div>
                    {v.modes.length === 2 ? (
                      <span class="tag">both modes</span>
                    ) : (
                      <span class={`tag tag-${v.modes[0]}`}>{modeLabel[v.modes[0]!]} only</span>
                    )}
                  </div>
                </div>
                <div class="what">
                  <h3>{v.title}</h3>
                  <ul>
                    {v.changes.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                  <p class="small">
                    <Cite citation={v.citation} /> <code class="muted">{v.id}</code>
                  </p>
                </div>
              </li>
            ))}
          </ol>
          <p class="muted small">
            Rule data {versions.data?.ruleDataVersion}, last reviewed {versions.data?.lastReviewed}, checked
            against sources through {versions.data?.verifiedThrough}: rules published after that date are not
            in it.
          </p>
        </>
      )}
    </section>
  );
}
