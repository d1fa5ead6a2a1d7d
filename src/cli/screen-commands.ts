import { createInterface } from "node:readline";
import type { Command } from "commander";
import { ChipGateError } from "../core/errors.js";
import { LIMITS, tooLongMessage } from "../core/limits.js";
import type { ListCode } from "../core/screening/csl.js";
import { loadScriptSupport } from "../core/screening/normalize/support.js";
import { screenName } from "../core/screening/screen.js";
import type { ScreeningOptions, ScreeningQuery } from "../core/screening/types.js";
import { DEFAULT_MAX_SHRINK } from "../node/screening/dataset.js";
import {
  ageInDays,
  type BatchRow,
  batchRowJson,
  checkBatchRow,
  DEFAULT_DATA_DIR,
  enrichmentInfo,
  importScreeningList,
  loadScreeningDataset,
  resultJson,
  resultText,
  screenCsvFile,
  screenedJson,
} from "../node/screening/index.js";
import { action, printJson } from "./run.js";

/** Each screening thread loads its own copy of the list (about 270 MB for the full list). */
const MAX_WORKERS = 32;

function checkLength(path: string, value: string, limit: number): void {
  if (value.length <= limit) return;
  const message = tooLongMessage(path, limit);
  throw new ChipGateError("INVALID_INPUT", message, [{ path, message }]);
}

interface ScreenOptions {
  country?: string;
  address?: string;
  json?: boolean;
  file?: string;
  column: string;
  countryColumn?: string;
  out?: string;
  dataDir: string;
  workers?: string;
  limit?: string;
  minScore?: string;
  lists?: string;
}

function progressBar(): ((p: { rows: number; fraction: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ rows, fraction }) => {
    const width = 30;
    const filled = Math.round(Math.min(1, fraction) * width);
    process.stderr.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${rows.toLocaleString("en-US")} rows`,
    );
  };
}

/** --limit, --min-score and --lists as screening options (checked by the screening itself). */
function resultControls(opts: ScreenOptions): ScreeningOptions {
  const number = (flag: string, v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n)) {
      throw new ChipGateError("INVALID_INPUT", `${flag}: "${v}" is not a number`, [
        { path: flag, message: "must be a number" },
      ]);
    }
    return n;
  };
  const out: ScreeningOptions = {};
  if (opts.limit !== undefined) out.limit = number("--limit", opts.limit);
  if (opts.minScore !== undefined) out.minScore = number("--min-score", opts.minScore);
  if (opts.lists !== undefined) {
    out.lists = opts.lists
      .split(",")
      .map((l) => l.trim().toUpperCase())
      .filter((l) => l !== "") as ListCode[];
  }
  return out;
}

function summaryText(s: {
  queries: number;
  match: number;
  review: number;
  clear: number;
  errors: number;
}): string {
  return `${s.match} match, ${s.review} review, ${s.clear} clear, ${s.errors} bad row${s.errors === 1 ? "" : "s"} (not screened)`;
}

async function screenFile(opts: ScreenOptions, controls: ScreeningOptions): Promise<void> {
  let workers: number | undefined;
  if (opts.workers !== undefined) {
    workers = Number(opts.workers);
    if (!Number.isInteger(workers) || workers < 0 || workers > MAX_WORKERS) {
      const message = `must be a whole number from 0 to ${MAX_WORKERS}`;
      throw new ChipGateError("INVALID_INPUT", `--workers: "${opts.workers}" ${message}`, [
        { path: "--workers", message },
      ]);
    }
  }
  const progress = progressBar();
  const summary = await screenCsvFile({
    file: opts.file!,
    column: opts.column,
    ...(opts.countryColumn !== undefined ? { countryColumn: opts.countryColumn } : {}),
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    ...(workers !== undefined ? { workers } : {}),
    ...(progress ? { onProgress: progress } : {}),
    format: opts.json ? "jsonl" : "csv",
    dataDir: opts.dataDir,
    screening: controls,
  });
  if (progress) process.stderr.write("\n");
  const text = `screened ${summary.queries} queries in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.queriesPerSecond}/s): ${summaryText(summary)}; results: ${summary.output}\n`;
  // Results own stdout when no --out is given; the summary then goes to stderr.
  if (opts.out === undefined) process.stderr.write(text);
  else if (opts.json) process.stdout.write(`${JSON.stringify({ summary })}\n`);
  else process.stdout.write(text);
}

/**
 * `chipgate screen -`: one name per line of standard input, answered in input order (one JSON line per
 * input line with --json); a bad line (empty, or over-long) gets an error line and the run goes on; the
 * summary goes to standard error.
 */
async function screenStdin(
  opts: ScreenOptions,
  controls: ScreeningOptions,
  query: Omit<ScreeningQuery, "name">,
): Promise<void> {
  const dataset = await loadScreeningDataset({ dataDir: opts.dataDir, scripts: "lazy" });
  const counts = { queries: 0, match: 0, review: 0, clear: 0, errors: 0 };
  const carried = { names: [], positions: [] };
  let line = 0;
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const text of lines) {
    line++;
    counts.queries++;
    const checked = checkBatchRow(text, query.country, { name: "", country: "--country" });
    const row: BatchRow = { line, name: text.trim(), country: undefined, input: [] };
    if ("error" in checked) {
      row.error = checked.error;
      counts.errors++;
    } else {
      await loadScriptSupport(checked.name);
      const result = screenName(dataset.index, { ...query, name: checked.name }, controls);
      row.country = checked.country;
      row.result = screenedJson(result);
      counts[row.result.band]++;
      if (!opts.json) {
        process.stdout.write(resultText(result));
        continue;
      }
    }
    if (opts.json) process.stdout.write(batchRowJson(row, carried));
    else process.stdout.write(`line ${line}: not screened: ${row.error}\n`);
  }
  process.stderr.write(`screened ${counts.queries} lines: ${summaryText(counts)}\n`);
}

async function screenAction(name: string | undefined, opts: ScreenOptions): Promise<void> {
  const controls = resultControls(opts);
  if (opts.file !== undefined) {
    if (name !== undefined) {
      throw new ChipGateError("INVALID_INPUT", "give either a name or --file, not both", [
        { path: "name", message: "with --file" },
      ]);
    }
    await screenFile(opts, controls);
    return;
  }
  if (name === undefined || name.trim() === "") {
    throw new ChipGateError(
      "INVALID_INPUT",
      "give a name to screen, - to read names from standard input, or --file <csv>",
      [{ path: "name", message: "missing" }],
    );
  }
  // Checked before the list is loaded: a long name is refused at once, not after seconds of loading.
  checkLength("name", name, LIMITS.nameLength);
  if (opts.country !== undefined && !/^[A-Za-z]{2}$/.test(opts.country)) {
    const message = "must be an ISO 3166 alpha-2 code such as CN";
    throw new ChipGateError("INVALID_INPUT", `--country: ${message}`, [{ path: "--country", message }]);
  }
  if (opts.address !== undefined) checkLength("--address", opts.address, LIMITS.addressLength);
  const query: Omit<ScreeningQuery, "name"> = {
    ...(opts.country !== undefined ? { country: opts.country } : {}),
    ...(opts.address !== undefined ? { address: opts.address } : {}),
  };
  if (name === "-") {
    await screenStdin(opts, controls, query);
    return;
  }
  // The list's index comes from the data directory's cache; the Chinese and other-script libraries are
  // loaded only when the name needs them.
  const [dataset] = await Promise.all([
    loadScreeningDataset({ dataDir: opts.dataDir, scripts: "lazy" }),
    loadScriptSupport(name),
  ]);
  const result = screenName(dataset.index, { ...query, name }, controls);
  if (opts.json) process.stdout.write(`${JSON.stringify(resultJson(result))}\n`);
  else process.stdout.write(resultText(result));
}

function cacheLine(cache: { path: string; status: string; reason?: string }): string {
  if (cache.status === "off") return "index cache not used";
  const why = cache.reason ? ` (${cache.reason})` : "";
  return `index cache ${cache.status === "loaded" ? "loaded from" : cache.status === "written" ? "written to" : "could not be written to"} ${cache.path}${why}`;
}

function enrichmentLines(e: ReturnType<typeof enrichmentInfo>): string[] {
  if (!e) return ["native-name enrichment: none"];
  return [
    `native-name enrichment: ${e.rows} rows (${e.verifiedRows} verified) from ${e.file}, sha256 ${e.hash}`,
    `  ${e.joinedRows} rows joined ${e.joinedRecords} records of this list; ${e.unjoinedRows} did not${e.unjoinedRows > 0 ? ":" : ""}`,
    ...e.unjoined.map(
      (u) =>
        `  - line ${u.line}: ${u.list} "${u.listedName}"${u.country ? ` (${u.country})` : ""}${u.listedId ? ` [${u.listedId}]` : ""} → ${u.nativeName}: ${u.reason}`,
    ),
  ];
}

export function registerScreenCommands(program: Command): void {
  program
    .command("screen")
    .description("Screen a party name (or a CSV of names) against the Consolidated Screening List")
    .argument("[name]", "the name to screen, in any script; - reads names from standard input, one per line")
    .option("--country <iso2>", "ISO 3166 alpha-2 country of the party; raises or lowers scores")
    .option("--address <text>", "address of the party; raises or lowers scores")
    .option("--json", "print one JSON object per query line")
    .option("--file <csv>", "screen every row of a CSV file (streaming)")
    .option("--column <name>", "column holding the names (with --file)", "name")
    .option("--country-column <name>", "column holding ISO alpha-2 countries (with --file)")
    .option("--out <file>", "write results to a .csv or .jsonl file (with --file)")
    .option("--workers <n>", "screening threads for --file (default: one per core, 0 = main thread)")
    .option(
      "--limit <n>",
      "most hits per name (default 10, at most 100); the answer says how many more exist",
    )
    .option("--min-score <x>", "lowest score returned (0-1; hits below review are never returned)")
    .option("--lists <codes>", "only hits on these lists, e.g. EL,SDN,MEU")
    .option("--data-dir <dir>", "where imported lists are kept", DEFAULT_DATA_DIR)
    .action(action(screenAction));

  const data = program
    .command("data")
    .description("The screening list in force: show it or import a newer one");
  data
    .command("info")
    .description("Show which screening list is loaded, how old it is and its known gaps")
    .option("--json", "print JSON")
    .option("--data-dir <dir>", "where imported lists are kept", DEFAULT_DATA_DIR)
    .action(
      action(async (opts: { json?: boolean; dataDir: string }) => {
        const dataset = await loadScreeningDataset({ dataDir: opts.dataDir });
        // Loaded here, not at the top: `screen` must not pay for the rule data and catalog at start-up.
        const { loadEngine } = await import("../node/engine.js");
        const { rules } = loadEngine();
        const age = ageInDays(dataset.version.snapshotDate);
        const rows = Object.values(dataset.version.rowsPerList).reduce((a, b) => a + (b ?? 0), 0);
        const enrichment = enrichmentInfo(dataset);
        if (opts.json) {
          printJson({
            version: dataset.version,
            rows,
            ageDays: age,
            gaps: dataset.gaps,
            buildMs: Math.round(dataset.buildMs),
            enrichment,
            indexCache: dataset.cache,
            rules: {
              version: rules.version,
              lastReviewed: rules.lastReviewed,
              verifiedThrough: rules.verifiedThrough,
            },
          });
          return;
        }
        const v = dataset.version;
        const lines = [
          `screening list: ${v.source} (${v.loadedFrom})`,
          `sha256: ${v.hash}`,
          `snapshot date: ${v.snapshotDate ?? "unknown"}${age !== undefined ? ` (${age} days old)` : ""}`,
          ...(v.importedAt ? [`imported: ${v.importedAt} from ${v.importedFrom}`] : []),
          `rows: ${rows} (${Object.entries(v.rowsPerList)
            .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
            .map(([k, n]) => `${k} ${n}`)
            .join(", ")})`,
          `index built in ${Math.round(dataset.buildMs)} ms; ${cacheLine(dataset.cache)}`,
          ...enrichmentLines(enrichment),
          "known gaps:",
          ...dataset.gaps.map((g) => `  - ${g}`),
          `rule data: ${rules.version}, checked against sources through ${rules.verifiedThrough} (last reviewed ${rules.lastReviewed})`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      }),
    );
  data
    .command("import")
    .description(
      "Import a newer official trade.gov consolidated.csv (atomic: the old list stays on any failure)",
    )
    .argument("<consolidated.csv>", "the CSL file in the official trade.gov CSV layout")
    .option("--json", "print JSON")
    .option("--data-dir <dir>", "where imported lists are kept", DEFAULT_DATA_DIR)
    .option(
      "--max-shrink <percent>",
      "largest share of its rows any source list may lose against the list in force",
      String(DEFAULT_MAX_SHRINK * 100),
    )
    .option("--allow-shrink", "import even if source lists lost more than --max-shrink of their rows")
    .action(
      action(
        async (
          file: string,
          opts: { json?: boolean; dataDir: string; maxShrink: string; allowShrink?: boolean },
        ) => {
          const maxShrink = Number(opts.maxShrink);
          if (!/^\d+(\.\d+)?$/.test(opts.maxShrink) || maxShrink > 100) {
            throw new ChipGateError(
              "INVALID_INPUT",
              `--max-shrink: '${opts.maxShrink}' is not a percentage from 0 to 100`,
              [{ path: "--max-shrink", message: "a percentage from 0 to 100" }],
            );
          }
          const dataset = await importScreeningList({
            dataDir: opts.dataDir,
            file,
            maxShrink: maxShrink / 100,
            allowShrink: opts.allowShrink === true,
          });
          const rows = Object.values(dataset.version.rowsPerList).reduce((a, b) => a + (b ?? 0), 0);
          if (opts.json) {
            printJson({ imported: true, version: dataset.version, rows, gaps: dataset.gaps });
            return;
          }
          process.stdout.write(
            `imported ${rows} rows from ${file} into ${dataset.version.loadedFrom} (sha256 ${dataset.version.hash.slice(0, 12)}…, snapshot ${dataset.version.snapshotDate ?? "unknown"})\n`,
          );
        },
      ),
    );
}
