import * as Plot from "@observablehq/plot";
import { useMemo, useState } from "preact/hooks";
import { qs } from "../api";
import { Badge, Cite, ErrorBox, Loading, ModeOptions, PageTitle, useApi } from "../components/common";
import { PlotFigure } from "../components/plot-figure";
import {
  chipName,
  classificationText,
  countryLabel,
  type LicenseKey,
  licenseCategories,
  num,
  type StatusKey,
  statusColor,
  statusLabel,
  statusOf,
  todayIso,
} from "../format";
import { navigate } from "../router";
import type { ChipRow, Classifications, ConditionView, FrontierResponse, Mode, RuleVersions } from "../types";

const LABELLED = new Set([
  "nvidia-a800-sxm4-80gb",
  "nvidia-h20",
  "nvidia-h100-sxm5-80gb",
  "nvidia-b200",
  "huawei-ascend-910b2",
  "amd-instinct-mi308x",
]);

const DESTINATIONS = ["CN", "MO", "AE", "SA", "IN", "RU", "SG", "VN", "DE", "JP"];

type SortKey = "name" | "vendor" | "segment" | "country" | "tpp" | "pd" | "bw" | "class" | "export";

interface Row extends ChipRow {
  label: string;
  statusKey: StatusKey;
  classText: string;
  exportKey: LicenseKey | null;
  exportText: string;
}

/** The rectangle (in TPP × density) where every TPP and density condition of a paragraph holds. */
function region(all: ConditionView[]) {
  let x1 = 0;
  let x2 = Number.POSITIVE_INFINITY;
  let y1 = 0;
  let y2 = Number.POSITIVE_INFINITY;
  const other: string[] = [];
  for (const c of all) {
    const v = c.value as number;
    if (c.input === "tpp") {
      if (c.op === "gte" || c.op === "gt") x1 = Math.max(x1, v);
      else if (c.op === "lt" || c.op === "lte") x2 = Math.min(x2, v);
    } else if (c.input === "pd") {
      if (c.op === "gte" || c.op === "gt") y1 = Math.max(y1, v);
      else if (c.op === "lt" || c.op === "lte") y2 = Math.min(y2, v);
    } else {
      other.push(c.text ?? `${c.input} ${c.op} ${String(c.value)} ${c.unit}`);
    }
  }
  return { x1, x2, y1, y2, other };
}

function stepAt(f: FrontierResponse | undefined, date: string) {
  const frontier = f?.frontiers[0];
  return frontier?.steps.find((s) => s.from <= date && date <= s.to) ?? null;
}

export default function Explorer() {
  const [mode, setMode] = useState<Mode>("as-enforced");
  const [date, setDate] = useState<string>(todayIso());
  const [dest, setDest] = useState("CN");
  const [search, setSearch] = useState("");
  const [colorBy, setColorBy] = useState<"class" | "export">("class");
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: "tpp", dir: -1 });

  const versions = useApi<RuleVersions>("/v1/rules/versions");
  const modeVersions = useMemo(
    () => (versions.data?.versions ?? []).filter((v) => v.modes.includes(mode) && v.from <= todayIso()),
    [versions.data, mode],
  );
  const index = Math.max(
    0,
    modeVersions.findLastIndex((v) => v.from <= date),
  );
  const version = modeVersions[index];

  const cls = useApi<Classifications>(`/v1/classifications${qs({ date, mode })}`);
  const frontier = useApi<FrontierResponse>(
    `/v1/frontier${qs({ country: dest, mode, to: todayIso(), unreleased: "include" })}`,
  );
  const step = stepAt(frontier.data, date);

  const rows: Row[] = useMemo(() => {
    const exportOf = new Map<string, LicenseKey>();
    if (step) for (const c of licenseCategories) for (const id of step[c.key]) exportOf.set(id, c.key);
    return (cls.data?.chips ?? []).map((c) => {
      const exportKey = exportOf.get(c.id) ?? null;
      return {
        ...c,
        label: chipName(c),
        statusKey: statusOf(c),
        classText: classificationText(c),
        exportKey,
        exportText: exportKey ? licenseCategories.find((l) => l.key === exportKey)!.label : step ? "—" : "…",
      };
    });
  }, [cls.data, step]);

  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const filtered = rows.filter((r) => {
    const hay =
      `${r.id} ${r.label} ${r.segment} ${r.countryOfDesign} ${r.classText} ${r.exportText}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const value = (r: Row): string | number => {
    switch (sort.key) {
      case "name":
        return r.label;
      case "vendor":
        return r.vendor;
      case "segment":
        return r.segment;
      case "country":
        return r.countryOfDesign;
      case "tpp":
        return r.tpp ?? -1;
      case "pd":
        return r.performanceDensity ?? -1;
      case "bw":
        return r.memoryBandwidthGBs ?? -1;
      case "class":
        return r.classText;
      case "export":
        return licenseCategories.findIndex((l) => l.key === r.exportKey);
    }
  };
  const sorted = [...filtered].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c =
      typeof va === "number" && typeof vb === "number" ? va - vb : String(va).localeCompare(String(vb));
    return c * sort.dir || a.label.localeCompare(b.label);
  });

  const Header = ({ k, children, numeric }: { k: SortKey; children: string; numeric?: boolean }) => {
    const active = sort.key === k;
    return (
      <th
        scope="col"
        aria-sort={active ? (sort.dir === 1 ? "ascending" : "descending") : "none"}
        class={numeric ? "num" : ""}
      >
        <button
          type="button"
          class="sort"
          onClick={() => setSort({ key: k, dir: active ? (sort.dir === 1 ? -1 : 1) : numeric ? -1 : 1 })}
        >
          {children}
          <span aria-hidden="true">{active ? (sort.dir === 1 ? " ▲" : " ▼") : " ↕"}</span>
        </button>
      </th>
    );
  };

  const counts = new Map<StatusKey, number>();
  for (const r of rows) counts.set(r.statusKey, (counts.get(r.statusKey) ?? 0) + 1);
  const highlight = words.length > 0 && filtered.length <= 12 ? new Set(filtered.map((r) => r.id)) : LABELLED;
  // Chips without a die area have no density: they sit on a strip below the axis, so every chip is visible.
  const UNKNOWN_Y = -2;
  const chartData = rows
    .filter((r) => (r.tpp ?? 0) > 0)
    .map((r) => ({
      ...r,
      y: r.performanceDensity ?? UNKNOWN_Y,
      densityKnown: r.performanceDensity !== null,
    }));
  const missing = rows.length - chartData.length;
  const unknownDensity = chartData.filter((r) => !r.densityKnown).length;

  const render = (width: number) => {
    if (!cls.data || chartData.length === 0) return null;
    const maxX = Math.max(...chartData.map((r) => r.tpp!)) * 1.6;
    const minX = Math.min(...chartData.map((r) => r.tpp!)) / 1.4;
    const maxY = Math.max(...chartData.map((r) => r.y)) * 1.08;
    const step = maxY > 60 ? 10 : 5;
    const yTicks = Array.from({ length: Math.floor(maxY / step) + 1 }, (_, i) => i * step);
    const paragraphs = cls.data.thresholds?.paragraphs ?? [];
    const regions = paragraphs
      .map((p) => ({ id: p.id, title: p.title, ...region(p.all) }))
      .map((r) => ({
        ...r,
        x1: Math.max(r.x1, minX),
        x2: Math.min(r.x2, maxX),
        y1: Math.max(r.y1, 0),
        y2: Math.min(r.y2, maxY),
        fill: /\.a/.test(r.id) ? statusColor.a : statusColor.b,
        note: r.other.length ? ` (also: ${r.other.join("; ")})` : "",
      }))
      .filter((r) => r.x1 < r.x2 && r.y1 < r.y2);
    const colorOf = (r: Row) =>
      colorBy === "class"
        ? statusLabel[r.statusKey]
        : r.exportKey
          ? licenseCategories.find((l) => l.key === r.exportKey)!.label
          : "Not known";
    const domain =
      colorBy === "class"
        ? (Object.keys(statusLabel) as StatusKey[]).filter((k) => counts.get(k)).map((k) => statusLabel[k])
        : [...licenseCategories.map((l) => l.label), "Not known"];
    const range =
      colorBy === "class"
        ? (Object.keys(statusLabel) as StatusKey[]).filter((k) => counts.get(k)).map((k) => statusColor[k])
        : [...licenseCategories.map((l) => l.color), "#9ca3af"];
    const narrow = width < 600;
    return Plot.plot({
      width,
      height: narrow ? 340 : 400,
      marginLeft: 48,
      marginBottom: 42,
      style: { fontSize: "12px", background: "transparent" },
      x: { type: "log", domain: [minX, maxX], label: "TPP (total processing performance) →", grid: true },
      y: {
        domain: [UNKNOWN_Y - 1.5, maxY],
        ticks: yTicks,
        label: "↑ Performance density (TPP per mm²)",
        grid: true,
      },
      color: { domain, range, legend: true },
      symbol: { domain: ["Datacenter", "Other segment"], range: ["circle", "triangle"], legend: !narrow },
      marks: [
        Plot.rect(regions, {
          x1: "x1",
          x2: "x2",
          y1: "y1",
          y2: "y2",
          fill: "fill",
          fillOpacity: 0.1,
          stroke: "fill",
          strokeOpacity: 0.5,
          strokeDasharray: "4,3",
        }),
        // .a labels under the top edge, .b labels above the bottom edge (the .b bands share a top edge).
        Plot.text(
          regions.filter((r) => !/\.b/.test(r.id)),
          {
            x: "x1",
            y: "y2",
            text: (r: (typeof regions)[number]) => `${r.id}${r.note ? " *" : ""}`,
            textAnchor: "start",
            dx: 4,
            dy: 10,
            fill: "fill",
            fontWeight: "bold",
          },
        ),
        Plot.text(
          regions.filter((r) => /\.b/.test(r.id)),
          {
            x: "x2",
            y: "y1",
            text: (r: (typeof regions)[number]) => `${r.id}${r.note ? " *" : ""}`,
            textAnchor: "end",
            dx: -4,
            dy: -6,
            fill: "#8a5300",
            fontWeight: "bold",
          },
        ),
        Plot.ruleY([0], { stroke: "#9aa3af" }),
        unknownDensity > 0
          ? Plot.text([`density unknown (no die area): ${unknownDensity} chips`], {
              x: minX,
              y: UNKNOWN_Y - 1.1,
              textAnchor: "start",
              dx: 4,
              fontSize: 10,
              fill: "#555e6c",
            })
          : null,
        Plot.dot(chartData, {
          x: "tpp",
          y: "y",
          fill: colorOf,
          symbol: (r: Row) => (r.segment === "datacenter" ? "Datacenter" : "Other segment"),
          r: 5.5,
          fillOpacity: (r: { densityKnown: boolean }) => (r.densityKnown ? 1 : 0.55),
          stroke: "white",
          strokeWidth: 1,
          channels: {
            Chip: "label",
            Classification: "classText",
            [`Export to ${dest}`]: "exportText",
            "Memory bandwidth GB/s": "memoryBandwidthGBs",
            "Performance density": (r: Row) =>
              r.performanceDensity === null ? "unknown (no die area)" : num(r.performanceDensity),
          },
          tip: { format: { x: (d: number) => num(d), y: false, fill: false, symbol: true } },
        }),
        Plot.text(
          chartData.filter((r) => highlight.has(r.id)),
          {
            x: "tpp",
            y: "y",
            text: (r: Row) => `${r.name}${r.variant.includes("PCIe") ? " PCIe" : ""}`,
            dy: -11,
            fontSize: 11,
            stroke: "white",
            strokeWidth: 3,
            fill: "#1d2330",
          },
        ),
      ],
    });
  };

  const onMount = (node: HTMLElement | SVGSVGElement) => {
    node.addEventListener("click", () => {
      const v = (node as unknown as { value?: Row | null }).value;
      if (v?.id) navigate(`/chips/${encodeURIComponent(v.id)}`);
    });
    (node as HTMLElement).style.cursor = "pointer";
  };

  return (
    <section>
      <PageTitle title="Chip explorer">Chip explorer</PageTitle>
      <p class="lede">
        Where each accelerator in the catalog sits against the export-control thresholds, and how that changed
        with each rule. Move the date slider to step through the rule versions.
      </p>
      <ErrorBox error={versions.error} title="Rule versions could not be loaded" />
      <div class="controls card">
        <div class="slider">
          <label for="rule-slider">
            Rule version on <strong data-testid="slider-date">{date}</strong>
          </label>
          <input
            id="rule-slider"
            type="range"
            min={0}
            max={Math.max(0, modeVersions.length - 1)}
            step={1}
            value={index}
            aria-valuetext={version ? `${version.from}: ${version.title}` : "loading"}
            onInput={(e) => {
              const v = modeVersions[Number((e.target as HTMLInputElement).value)];
              if (v) setDate(v.from);
            }}
          />
          <div class="ticks" aria-hidden="true">
            {modeVersions.map((v, i) => (
              <span
                key={v.id}
                class={i === index ? "on" : ""}
                style={{ left: `${(i / Math.max(1, modeVersions.length - 1)) * 100}%` }}
              >
                {v.from.slice(0, 7)}
              </span>
            ))}
          </div>
          {version && (
            <p class="version-title">
              <strong>{version.title}</strong> <Cite citation={version.citation} />
            </p>
          )}
        </div>
        <div class="row">
          <label>
            Date
            <input
              type="date"
              value={date}
              min="2022-01-01"
              onInput={(e) => {
                const v = (e.target as HTMLInputElement).value;
                if (/^\d{4}-\d{2}-\d{2}$/.test(v)) setDate(v);
              }}
            />
          </label>
          <label>
            Mode
            <select value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as Mode)}>
              <ModeOptions />
            </select>
          </label>
          <label>
            Export status for
            <select value={dest} onChange={(e) => setDest((e.target as HTMLSelectElement).value)}>
              {DESTINATIONS.map((c) => (
                <option key={c} value={c}>
                  {countryLabel(c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Color chart by
            <select
              value={colorBy}
              onChange={(e) => setColorBy((e.target as HTMLSelectElement).value as "class" | "export")}
            >
              <option value="class">Classification</option>
              <option value="export">Export status to {dest}</option>
            </select>
          </label>
        </div>
      </div>

      <ErrorBox error={cls.error} title="Classifications could not be loaded" />
      <ErrorBox error={frontier.error} title="Export status could not be loaded" />
      {!cls.data && !cls.error && <Loading what="the catalog" />}
      {cls.data && (
        <>
          <p class="summary" aria-live="polite">
            On {date}:{" "}
            {(Object.keys(statusLabel) as StatusKey[])
              .filter((k) => counts.get(k))
              .map((k, i) => (
                <span key={k}>
                  {i > 0 && " · "}
                  <Badge color={statusColor[k]}>{`${counts.get(k)} ${statusLabel[k]}`}</Badge>
                </span>
              ))}
          </p>
          <figure class="chart">
            <PlotFigure
              render={render}
              deps={[cls.data, step, colorBy, search, dest]}
              label={`Scatter of ${chartData.length} chips by TPP and performance density, with the 3A090 threshold regions in force on ${date}`}
              onMount={onMount}
            />
            <figcaption class="muted small">
              Shaded: the 3A090 paragraphs in force on {date}
              {cls.data.thresholds ? (
                <>
                  {" "}
                  (<Cite citation={cls.data.thresholds.citation} />)
                </>
              ) : (
                " (none: ECCN 3A090 did not exist yet)"
              )}
              . Regions marked * also need a condition the chart cannot show (e.g. I/O bandwidth in 2022).
              From November 2023, chips not designed for datacenters (▲) are outside 3A090 below TPP 4,800.
              Hover a point for its values; click it to open the chip.{" "}
              {missing > 0 && `${missing} chips without a TPP figure are not drawn.`}
            </figcaption>
          </figure>

          <div class="table-tools">
            <label for="chip-search">Search chips</label>
            <input
              id="chip-search"
              type="search"
              placeholder="e.g. H20, Huawei, datacenter, 3A090.a"
              value={search}
              onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
            />
            <span class="muted" aria-live="polite">
              {sorted.length} of {rows.length} chips
            </span>
          </div>
          <section class="table-wrap" aria-label="Chip catalog table">
            <table class="data" id="chip-table">
              <caption class="sr-only">
                Catalog chips with their classification and export status to {countryLabel(dest)} on {date}
              </caption>
              <thead>
                <tr>
                  <Header k="name">Chip</Header>
                  <Header k="vendor">Vendor</Header>
                  <Header k="segment">Segment</Header>
                  <Header k="country">Designed in</Header>
                  <Header k="tpp" numeric>
                    TPP
                  </Header>
                  <Header k="pd" numeric>
                    Perf. density
                  </Header>
                  <Header k="bw" numeric>
                    Memory GB/s
                  </Header>
                  <Header k="class">Classification</Header>
                  <Header k="export">{`Export to ${dest}`}</Header>
                </tr>
              </thead>
              <tbody>
                {sorted.map((r) => (
                  <tr key={r.id} data-chip={r.id}>
                    <th scope="row">
                      <a
                        href={`/chips/${encodeURIComponent(r.id)}`}
                      >{`${r.name}${r.variant ? ` ${r.variant}` : ""}`}</a>
                    </th>
                    <td>{r.vendor}</td>
                    <td>{r.segment}</td>
                    <td>{r.countryOfDesign}</td>
                    <td class="num">{num(r.tpp, 0)}</td>
                    <td class="num">{num(r.performanceDensity)}</td>
                    <td class="num">{num(r.memoryBandwidthGBs, 0)}</td>
                    <td data-col="class">
                      <Badge color={statusColor[r.statusKey]}>{r.classText}</Badge>
                    </td>
                    <td data-col="export">
                      {r.exportKey ? (
                        <Badge color={licenseCategories.find((l) => l.key === r.exportKey)!.color}>
                          {r.exportText}
                        </Badge>
                      ) : (
                        r.exportText
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <p class="muted small">
            Export status: a US export by the chip's vendor to a commercial end user in {countryLabel(dest)},
            no listed party, best case for certifications (the assumptions of the{" "}
            <a href="/frontier">frontier</a> view). Rule data {cls.data.ruleDataVersion}.
          </p>
        </>
      )}
    </section>
  );
}
