import type { Command } from "commander";
import { ChipGateError } from "../core/errors.js";
import { LIMITS, tooLongMessage } from "../core/limits.js";
import { screenName } from "../core/screening/index.js";
import { DEFAULT_MAX_SHRINK } from "../node/screening/dataset.js";
import {
  ageInDays,
  DEFAULT_DATA_DIR,
  importScreeningList,
  loadScreeningDataset,
  resultJson,
  resultText,
  screenCsvFile,
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

async function screenAction(name: string | undefined, opts: ScreenOptions): Promise<void> {
  if (opts.file !== undefined) {
    if (name !== undefined) {
      throw new ChipGateError("INVALID_INPUT", "give either a name or --file, not both", [
        { path: "name", message: "with --file" },
      ]);
    }
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
      file: opts.file,
      column: opts.column,
      ...(opts.countryColumn !== undefined ? { countryColumn: opts.countryColumn } : {}),
      ...(opts.out !== undefined ? { out: opts.out } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(progress ? { onProgress: progress } : {}),
      format: opts.json ? "jsonl" : "csv",
      dataDir: opts.dataDir,
    });
    if (progress) process.stderr.write("\n");
    const text = `screened ${summary.queries} queries in ${(summary.elapsedMs / 1000).toFixed(1)} s (${summary.queriesPerSecond}/s): ${summary.match} match, ${summary.review} review, ${summary.clear} clear; results: ${summary.output}\n`;
    // Results own stdout when no --out is given; the summary then goes to stderr.
    if (opts.out === undefined) process.stderr.write(text);
    else if (opts.json) process.stdout.write(`${JSON.stringify({ summary })}\n`);
    else process.stdout.write(text);
    return;
  }
  if (name === undefined || name.trim() === "") {
    throw new ChipGateError("INVALID_INPUT", "give a name to screen, or --file <csv>", [
      { path: "name", message: "missing" },
    ]);
  }
  // Checked before the list is loaded: a long name is refused at once, not after seconds of loading.
  checkLength("name", name, LIMITS.nameLength);
  if (opts.country !== undefined && !/^[A-Za-z]{2}$/.test(opts.country)) {
    const message = "must be an ISO 3166 alpha-2 code such as CN";
    throw new ChipGateError("INVALID_INPUT", `--country: ${message}`, [{ path: "--country", message }]);
  }
  if (opts.address !== undefined) checkLength("--address", opts.address, LIMITS.addressLength);
  const dataset = await loadScreeningDataset({ dataDir: opts.dataDir });
  const result = screenName(dataset.index, {
    name,
    ...(opts.country !== undefined ? { country: opts.country } : {}),
    ...(opts.address !== undefined ? { address: opts.address } : {}),
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(resultJson(result))}\n`);
  else process.stdout.write(resultText(result));
}

export function registerScreenCommands(program: Command): void {
  program
    .command("screen")
    .description("Screen a party name (or a CSV of names) against the Consolidated Screening List")
    .argument("[name]", "the name to screen, in any script")
    .option("--country <iso2>", "ISO 3166 alpha-2 country of the party; raises or lowers scores")
    .option("--address <text>", "address of the party; raises or lowers scores")
    .option("--json", "print one JSON object per query line")
    .option("--file <csv>", "screen every row of a CSV file (streaming)")
    .option("--column <name>", "column holding the names (with --file)", "name")
    .option("--country-column <name>", "column holding ISO alpha-2 countries (with --file)")
    .option("--out <file>", "write results to a .csv or .jsonl file (with --file)")
    .option("--workers <n>", "screening threads for --file (default: one per core, 0 = main thread)")
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
        const age = ageInDays(dataset.version.snapshotDate);
        const rows = Object.values(dataset.version.rowsPerList).reduce((a, b) => a + (b ?? 0), 0);
        if (opts.json) {
          printJson({
            version: dataset.version,
            rows,
            ageDays: age,
            gaps: dataset.gaps,
            buildMs: Math.round(dataset.buildMs),
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
          `index built in ${Math.round(dataset.buildMs)} ms`,
          "known gaps:",
          ...dataset.gaps.map((g) => `  - ${g}`),
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
