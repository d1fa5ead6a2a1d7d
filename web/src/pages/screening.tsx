import { useState } from "preact/hooks";
import { ApiFailure, api, call, qs } from "../api";
import { RoleNote, useCan } from "../auth";
import { Badge, downloadBlob, ErrorBox, PageTitle } from "../components/common";
import { num } from "../format";
import type { ScreenHit, ScreenResult } from "../types";

const bandColor = { match: "#c23b22", review: "#b36b00", clear: "#2f7d5b" } as const;
const bandText = {
  match: "Match: listed party",
  review: "Possible match: review",
  clear: "Clear: no list hit",
} as const;
const howText: Record<string, string> = {
  exact: "same word",
  spacing: "same letters, spaced differently",
  transliterated: "transliterated from another script",
  translated: "translated",
  phonetic: "sounds the same",
  typo: "typo",
  acronym: "initials",
  alias: "another spelling the list gives",
};

function HitCard({ hit }: { hit: ScreenHit }) {
  const e = hit.explanation;
  return (
    <li class="hit card" data-testid="hit">
      <p>
        <Badge color={bandColor[hit.band]}>{hit.band === "match" ? "match" : "review"}</Badge>{" "}
        <strong>{hit.name}</strong>{" "}
        <span class="muted">
          ({hit.list}, score {num(hit.score)})
        </span>
      </p>
      <p class="small">{e.summary}</p>
      {e.matchedName && e.matchedName !== hit.name && (
        <p class="small muted">
          Matched the {e.via === "alias" ? "alias" : "name"} “{e.matchedName}”.
        </p>
      )}
      {e.matches.length > 0 && (
        <table class="plain small">
          <caption class="sr-only">How the words matched</caption>
          <thead>
            <tr>
              <th scope="col">Your words</th>
              <th scope="col">Listed word</th>
              <th scope="col">How</th>
            </tr>
          </thead>
          <tbody>
            {e.matches.map((m, i) => (
              <tr key={i}>
                <td>{m.query}</td>
                <td>{m.listed}</td>
                <td>
                  {howText[m.how] ?? m.how}
                  {m.distance ? ` (${m.distance} edit${m.distance > 1 ? "s" : ""})` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(e.unmatchedListed.length > 0 || e.unmatchedQuery.length > 0) && (
        <p class="small muted">
          {e.unmatchedListed.length > 0 && `Listed words not in your name: ${e.unmatchedListed.join(", ")}. `}
          {e.unmatchedQuery.length > 0 &&
            `Your words not in the listed name: ${e.unmatchedQuery.join(", ")}.`}
        </p>
      )}
    </li>
  );
}

interface RowResult {
  line: number;
  query?: string;
  country?: string | null;
  band?: "match" | "review" | "clear";
  hits?: ScreenHit[];
  error?: string;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(rows: RowResult[]): string {
  const out = ["line,name,country,result,top_hit,top_hit_list,top_score,hits,error"];
  for (const r of rows) {
    const top = r.hits?.[0];
    out.push(
      [
        r.line,
        r.query ?? "",
        r.country ?? "",
        r.band ?? "error",
        top?.name ?? "",
        top?.list ?? "",
        top ? top.score : "",
        r.hits?.length ?? 0,
        r.error ?? "",
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${out.join("\r\n")}\r\n`;
}

/** Header cells of a CSV's first line (quotes handled; enough to offer the column names). */
function headerOf(text: string): string[] {
  const first = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "";
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < first.length; i++) {
    const ch = first[i]!;
    if (quoted) {
      if (ch === '"' && first[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cur.trim());
      cur = "";
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells.filter((c) => c !== "");
}

function CsvScreening({ can }: { can: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<string[]>([]);
  const [column, setColumn] = useState("name");
  const [countryColumn, setCountryColumn] = useState("");
  const [total, setTotal] = useState(0);
  const [rows, setRows] = useState<RowResult[]>([]);
  const [summary, setSummary] = useState<Record<string, number> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);
  const [jsonl, setJsonl] = useState("");

  const pick = async (f: File | null) => {
    setFile(f);
    setRows([]);
    setSummary(null);
    setError(null);
    if (!f) return;
    const text = await f.text();
    const cols = headerOf(text);
    setColumns(cols);
    setColumn(cols.find((c) => /^(name|party|company|entity)/i.test(c)) ?? cols[0] ?? "name");
    setCountryColumn(cols.find((c) => /^country/i.test(c)) ?? "");
    setTotal(Math.max(0, text.split(/\r?\n/).filter((l) => l.trim() !== "").length - 1));
  };

  const run = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setRunning(true);
    setRows([]);
    setSummary(null);
    setError(null);
    const received: RowResult[] = [];
    let raw = "";
    try {
      const res = await call(`/v1/screen/csv${qs({ column, countryColumn })}`, {
        body: file,
        contentType: "text/csv",
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      let lastPaint = 0;
      for (;;) {
        const { value, done } = await reader.read();
        buffer += decoder.decode(value ?? new Uint8Array(), { stream: !done });
        const lines = buffer.split("\n");
        buffer = done ? "" : (lines.pop() ?? "");
        for (const line of lines) {
          if (!line.trim()) continue;
          raw += `${line}\n`;
          const obj = JSON.parse(line) as RowResult & { summary?: Record<string, number>; error?: unknown };
          if (obj.summary) setSummary(obj.summary);
          else if (obj.line === undefined && obj.error) {
            const e = obj.error as { code?: string; message?: string };
            throw new ApiFailure(
              400,
              e.code ?? "INVALID_INPUT",
              `The CSV could not be read: ${e.message ?? ""}`,
            );
          } else received.push(obj);
        }
        if (done || performance.now() - lastPaint > 100) {
          lastPaint = performance.now();
          setRows([...received]);
        }
        if (done) break;
      }
      setJsonl(raw);
    } catch (e) {
      setError(e);
    } finally {
      setRows([...received]);
      setRunning(false);
    }
  };

  const done = summary !== null;
  const progress = done ? total || rows.length : Math.min(rows.length, total);
  const flagged = rows.filter((r) => r.band !== "clear");
  return (
    <form class="card" onSubmit={run} aria-label="Screen a CSV file">
      <h2>Screen a CSV file</h2>
      <p class="muted small">
        A file with a header row, one party per row. Results stream back as the rows are screened; nothing is
        stored on the server.
      </p>
      <div class="field">
        <label for="csv-file">CSV file</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          disabled={!can || running}
          onChange={(e) => void pick((e.target as HTMLInputElement).files?.[0] ?? null)}
        />
      </div>
      {columns.length > 0 && (
        <div class="tops">
          <div class="field">
            <label for="csv-column">Column with the names</label>
            <select
              id="csv-column"
              value={column}
              onChange={(e) => setColumn((e.target as HTMLSelectElement).value)}
            >
              {columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="csv-country">Column with the country (optional)</label>
            <select
              id="csv-country"
              value={countryColumn}
              onChange={(e) => setCountryColumn((e.target as HTMLSelectElement).value)}
            >
              <option value="">— none —</option>
              {columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </div>
        </div>
      )}
      <button type="submit" class="primary" disabled={!can || !file || running}>
        {running ? "Screening…" : `Screen ${total ? `${total} rows` : "the file"}`}
      </button>
      {(running || rows.length > 0 || done) && (
        <div class="progress">
          <label for="csv-progress">
            {done ? "Done" : "Screening"}: {progress} of {total || "?"} rows
          </label>
          <progress id="csv-progress" max={Math.max(1, total)} value={progress} data-testid="csv-progress" />
        </div>
      )}
      <ErrorBox error={error} title="The file was not screened" />
      {summary && (
        <div data-testid="csv-summary" role="status">
          <p>
            <strong>{summary.rows} rows screened:</strong>{" "}
            <Badge color={bandColor.match}>{`${summary.match} match`}</Badge>{" "}
            <Badge color={bandColor.review}>{`${summary.review} review`}</Badge>{" "}
            <Badge color={bandColor.clear}>{`${summary.clear} clear`}</Badge>
            {summary.errors ? (
              <>
                {" "}
                <Badge color="#6b7280">{`${summary.errors} errors`}</Badge>
              </>
            ) : null}
          </p>
          <p>
            <button
              type="button"
              onClick={() => downloadBlob(toCsv(rows), "screening-results.csv", "text/csv")}
            >
              Download results (CSV)
            </button>{" "}
            <button
              type="button"
              onClick={() => downloadBlob(jsonl, "screening-results.jsonl", "application/x-ndjson")}
            >
              Download full results (JSON Lines)
            </button>
          </p>
        </div>
      )}
      {rows.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <caption>
              {flagged.length === 0 ? "No row needs attention" : `Rows needing attention (${flagged.length})`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Name</th>
                <th scope="col">Country</th>
                <th scope="col">Result</th>
                <th scope="col">Top hit</th>
              </tr>
            </thead>
            <tbody>
              {flagged.slice(0, 300).map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  <td>{r.query ?? ""}</td>
                  <td>{r.country ?? ""}</td>
                  <td>
                    {r.band ? (
                      <Badge color={bandColor[r.band]}>{r.band}</Badge>
                    ) : (
                      <span class="field-error">{r.error}</span>
                    )}
                  </td>
                  <td>{r.hits?.[0] ? `${r.hits[0].name} (${num(r.hits[0].score)})` : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </form>
  );
}

export default function ScreeningPage() {
  const can = useCan("analyst");
  const [name, setName] = useState("");
  const [country, setCountry] = useState("");
  const [result, setResult] = useState<ScreenResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const screen = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      setResult(
        await api<ScreenResult>("/v1/screen", {
          json: { name, ...(country.trim() && { country: country.trim().toUpperCase() }) },
        }),
      );
      setError(null);
    } catch (e) {
      setError(e);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle title="Screening">Screen parties</PageTitle>
      <p class="lede">
        Check a name against the US Consolidated Screening List, in any script or spelling. Each hit says
        which words matched and how.
      </p>
      <RoleNote need="analyst" />
      <div class="grid2">
        <div>
          <form class="card" onSubmit={screen} aria-label="Screen one name">
            <h2>One name</h2>
            <div class="field">
              <label for="screen-name">Party name</label>
              <input
                id="screen-name"
                value={name}
                required
                disabled={!can}
                placeholder="e.g. 华为技术有限公司 or Huawei Technologies"
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label for="screen-country">
                Country <span class="muted">(optional, 2-letter code)</span>
              </label>
              <input
                id="screen-country"
                value={country}
                maxLength={2}
                size={4}
                disabled={!can}
                onInput={(e) => setCountry((e.target as HTMLInputElement).value.toUpperCase())}
              />
            </div>
            <button type="submit" class="primary" disabled={!can || busy || !name.trim()}>
              {busy ? "Screening…" : "Screen"}
            </button>
          </form>
          <ErrorBox error={error} title="Not screened" />
          {result && (
            <div aria-live="polite" data-testid="screen-result">
              <p class="headline" style={{ color: bandColor[result.band] }}>
                {bandText[result.band]}
              </p>
              <p class="muted small">
                “{result.query}” against the list of {result.screeningData.snapshotDate ?? "unknown date"} (
                {result.screeningData.source}).
              </p>
              <ul class="hits">
                {result.hits.map((h) => (
                  <HitCard key={h.id} hit={h} />
                ))}
              </ul>
            </div>
          )}
        </div>
        <CsvScreening can={can} />
      </div>
    </section>
  );
}
