import * as Plot from "@observablehq/plot";
import { useMemo, useState } from "preact/hooks";
import { qs } from "../api";
import { ErrorBox, Loading, ModeOptions, PageTitle, useApi } from "../components/common";
import { PlotFigure } from "../components/plot-figure";
import { chipName, countryLabel, countryNames, licenseCategories, num, todayIso } from "../format";
import type { CatalogChip, FrontierResponse, Mode } from "../types";

const PICKS = ["CN", "MO", "AE", "SA", "IN", "RU", "SG", "VN", "MY", "IL", "DE", "JP"];
const PALETTE = ["#c23b22", "#1f5fbf", "#2f7d5b", "#b36b00", "#8a5a9e", "#00838f", "#6b7280", "#ad1457"];

export default function FrontierPage() {
  const [picked, setPicked] = useState<string[]>(["CN", "AE"]);
  const [other, setOther] = useState("");
  const [mode, setMode] = useState<Mode>("as-enforced");
  const [from, setFrom] = useState("2022-01-01");
  const [to, setTo] = useState(todayIso());
  const [tableCountry, setTableCountry] = useState("CN");
  const [logScale, setLogScale] = useState(false);
  const countries = picked.length ? picked : ["CN"];
  const f = useApi<FrontierResponse>(`/v1/frontier${qs({ country: countries.join(","), from, to, mode })}`);
  const chips = useApi<{ chips: CatalogChip[] }>("/v1/chips?limit=1000");
  const nameOf = useMemo(
    () => new Map((chips.data?.chips ?? []).map((c) => [c.id, chipName(c)])),
    [chips.data],
  );
  const label = (id: string) => nameOf.get(id) ?? id;

  const toggle = (c: string) =>
    setPicked((p) => (p.includes(c) ? p.filter((x) => x !== c) : [...p, c].slice(0, 8)));
  const shown = f.data?.frontiers.find((x) => x.country === tableCountry) ?? f.data?.frontiers[0];

  const render = (width: number) => {
    if (!f.data) return null;
    const end = new Date(`${f.data.to}T00:00:00Z`);
    const data = f.data.frontiers.flatMap((fr) => {
      const pts = fr.steps.map((s) => ({
        country: countryLabel(fr.country),
        date: new Date(`${s.from}T00:00:00Z`),
        tpp: s.bestNoLicenseTpp ?? (logScale ? 100 : 0),
        chip: s.noLicense[0] ? label(s.noLicense[0]) : "none",
      }));
      const last = pts[pts.length - 1];
      if (last) pts.push({ ...last, date: end });
      return pts;
    });
    const events = f.data.frontiers[0]?.events ?? [];
    const maxTpp = Math.max(1, ...data.map((d) => d.tpp));
    const narrow = width < 600;
    return Plot.plot({
      width,
      height: narrow ? 320 : 400,
      marginLeft: 56,
      marginTop: narrow ? 40 : 80,
      style: { fontSize: "12px", background: "transparent" },
      x: { type: "utc", label: null },
      y: {
        label: "↑ Best TPP exportable without a license",
        grid: true,
        ...(logScale
          ? { type: "log" as const, domain: [100, maxTpp * 1.5] }
          : { domain: [0, maxTpp * 1.12] }),
        tickFormat: (d: number) => (d >= 1000 ? `${d / 1000}k` : String(d)),
      },
      color: { legend: true, range: PALETTE },
      marks: [
        Plot.ruleX(events, {
          x: (e: { date: string }) => new Date(`${e.date}T00:00:00Z`),
          stroke: "#9aa3af",
          strokeDasharray: "3,3",
        }),
        Plot.text(events, {
          x: (e: { date: string }) => new Date(`${e.date}T00:00:00Z`),
          text: (e: { id: string }) => e.id.replace(/^(ear|usg|bis)-/, ""),
          frameAnchor: "top",
          rotate: narrow ? 0 : -35,
          textAnchor: "start",
          dy: -6,
          fontSize: 9,
          fill: "#4b5563",
          filter: (_: unknown, i: number) => !narrow || i % 2 === 0,
        }),
        // One line per country, the first widest and later ones dashed, so equal steps stay visible.
        ...f.data.frontiers.map((fr, i) =>
          Plot.line(
            data.filter((d) => d.country === countryLabel(fr.country)),
            {
              x: "date",
              y: "tpp",
              stroke: "country",
              curve: "step-after",
              strokeWidth: Math.max(1.5, 4.5 - i * 1.2),
              strokeOpacity: i === 0 ? 0.75 : 1,
              ...(i > 0 && { strokeDasharray: i % 2 ? "7,4" : "2,3" }),
            },
          ),
        ),
        Plot.dot(data, {
          x: "date",
          y: "tpp",
          fill: "country",
          r: 3,
          channels: { Chip: "chip", Country: "country" },
          tip: {
            format: {
              x: (d: Date) => d.toISOString().slice(0, 10),
              y: (d: number) => num(d, 0),
              fill: false,
            },
          },
        }),
      ],
    });
  };

  return (
    <section>
      <PageTitle title="Frontier">Compute frontier by destination</PageTitle>
      <p class="lede">
        The most capable catalog chip a destination could receive without a license, over time, and what each
        rule change moved.
      </p>
      <div class="card controls">
        <fieldset>
          <legend>Destinations (up to 8)</legend>
          <div class="chips-pick">
            {PICKS.map((c) => (
              <label key={c} class="check">
                <input type="checkbox" checked={picked.includes(c)} onChange={() => toggle(c)} />
                {countryNames[c] ?? c}
              </label>
            ))}
          </div>
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              const c = other.trim().toUpperCase();
              if (/^[A-Z]{2}$/.test(c) && !picked.includes(c)) setPicked([...picked, c].slice(0, 8));
              setOther("");
            }}
          >
            <label>
              Another country (2-letter code)
              <input
                value={other}
                maxLength={2}
                size={4}
                onInput={(e) => setOther((e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit">Add</button>
            {picked
              .filter((c) => !PICKS.includes(c))
              .map((c) => (
                <button
                  key={c}
                  type="button"
                  class="link"
                  onClick={() => toggle(c)}
                  aria-label={`Remove ${c}`}
                >
                  {c} ✕
                </button>
              ))}
          </form>
        </fieldset>
        <div class="row">
          <label>
            From
            <input
              type="date"
              value={from}
              onInput={(e) =>
                (e.target as HTMLInputElement).value && setFrom((e.target as HTMLInputElement).value)
              }
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={to}
              onInput={(e) =>
                (e.target as HTMLInputElement).value && setTo((e.target as HTMLInputElement).value)
              }
            />
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={logScale}
              onChange={(e) => setLogScale((e.target as HTMLInputElement).checked)}
            />
            Logarithmic TPP axis
          </label>
          <label>
            Mode
            <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as Mode)}>
              <ModeOptions />
            </select>
          </label>
        </div>
      </div>
      <ErrorBox error={f.error} title="The frontier could not be computed" />
      {!f.data && !f.error && <Loading what="the frontier (a few seconds the first time)" />}
      {f.data && (
        <>
          <figure class="chart" aria-busy={f.loading}>
            <PlotFigure
              render={render}
              deps={[f.data, nameOf, logScale]}
              label={`Step chart of the best TPP exportable without a license to ${f.data.frontiers.map((x) => x.country).join(", ")}`}
            />
            <figcaption class="muted small">
              Dashed lines: rule versions. Assumptions: {f.data.frontiers[0]?.assumptions.join(" ")}
            </figcaption>
          </figure>
          <div class="row">
            <label>
              Steps for
              <select
                value={shown?.country}
                onChange={(e) => setTableCountry((e.target as HTMLSelectElement).value)}
              >
                {f.data.frontiers.map((x) => (
                  <option key={x.country} value={x.country}>
                    {countryLabel(x.country)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {shown && (
            <div class="table-wrap">
              <table class="data" id="frontier-table">
                <caption>
                  {countryLabel(shown.country)}, {shown.mode}: {shown.steps.length} periods between rule
                  changes
                </caption>
                <thead>
                  <tr>
                    <th scope="col">From</th>
                    <th scope="col">To</th>
                    <th scope="col">Best without a license</th>
                    <th scope="col" class="num">
                      TPP
                    </th>
                    {licenseCategories.map((c) => (
                      <th scope="col" class="num" key={c.key}>
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {shown.steps.map((s) => (
                    <tr key={s.from}>
                      <td>{s.from}</td>
                      <td>{s.to}</td>
                      <td>
                        {s.noLicense[0] ? (
                          <a href={`/chips/${s.noLicense[0]}`}>{label(s.noLicense[0])}</a>
                        ) : (
                          "none"
                        )}
                      </td>
                      <td class="num">{num(s.bestNoLicenseTpp, 0)}</td>
                      {licenseCategories.map((c) => (
                        <td class="num" key={c.key} title={s[c.key].slice(0, 8).map(label).join(", ")}>
                          {s[c.key].length}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
