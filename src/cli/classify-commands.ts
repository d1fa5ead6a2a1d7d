import type { Command } from "commander";
import { findChip, searchCatalog } from "../core/catalog/catalog.js";
import { type Classification, classify, formatNumber } from "../core/classify/classify.js";
import { type ItemSpec, parseItemSpec } from "../core/classify/spec.js";
import { computeTpp } from "../core/classify/tpp.js";
import { ChipGateError } from "../core/errors.js";
import { chipHistory } from "../core/history.js";
import { invalidInput, zodIssues } from "../core/issues.js";
import { currencyWarning } from "../core/rules/currency.js";
import { loadEngine } from "../node/engine.js";
import { parseDate, parseMode, readJsonInput, today } from "./options.js";
import { action, printJson } from "./run.js";

interface ClassifyFlags {
  chip?: string;
  spec?: string;
  date?: string;
  mode?: string;
  json?: boolean;
  tf32Bits?: string;
}

const DISCLAIMER = "ChipGate is decision support, not legal advice.";

/** A file note a compliance officer can paste: result, arithmetic, each rule applied with its citation. */
export function formatClassification(c: Classification, ruleDataVersion: string): string {
  const lines: string[] = [];
  const rv = c.ruleVersion ? `${c.ruleVersion.id} (${c.ruleVersion.title})` : "none in force";
  lines.push(`${c.name ?? "Item"} — classified for ${c.asOf}, mode ${c.mode}`);
  lines.push(`Rule version: ${rv}`);
  const result =
    c.status === "undetermined"
      ? `UNDETERMINED — missing: ${c.undetermined.map((m) => m.field).join(", ")}`
      : c.paragraph
        ? `ECCN ${c.paragraph}`
        : "not 3A090/4A090/4E091 on this date (see the notes)";
  lines.push(`Result: ${result}`);
  const figures = [
    c.tpp !== null && `TPP ${formatNumber(c.tpp)}`,
    c.performanceDensity !== null && `performance density ${formatNumber(c.performanceDensity)}`,
    c.memoryBandwidthDensity !== null &&
      `memory bandwidth density ${formatNumber(c.memoryBandwidthDensity)} GB/s/mm2`,
    c.designedForDatacenter !== null &&
      (c.designedForDatacenter ? "designed/marketed for datacenters" : "not a datacenter product"),
  ].filter(Boolean);
  if (figures.length) lines.push(`Figures: ${figures.join("; ")}`);
  lines.push("Why:");
  for (const r of c.reasons) lines.push(`  - ${r.message}\n      [${r.citation.text}]`);
  for (const m of c.undetermined) lines.push(`  - Missing ${m.field}: ${m.message}`);
  if (c.notes.length) {
    lines.push("Notes:");
    for (const n of c.notes) lines.push(`  - ${n.message}\n      [${n.citation.text}]`);
  }
  if (c.warnings.length) {
    lines.push("Warnings:");
    for (const w of c.warnings)
      lines.push(`  - ${w.message}${w.citation ? `\n      [${w.citation.text}]` : ""}`);
  }
  lines.push(
    c.otherMode.differs
      ? `Other mode (${c.otherMode.mode}): would give ${c.otherMode.paragraph ?? "not 3A090/4A090/4E091"}.`
      : `Other mode (${c.otherMode.mode}): same result.`,
  );
  lines.push(`Rule data ${ruleDataVersion}. ${DISCLAIMER}`);
  return lines.join("\n");
}

function parseTf32(value: string | undefined, allowed: readonly number[]): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!allowed.includes(n)) {
    throw new ChipGateError(
      "INVALID_INPUT",
      `--tf32-bits: '${value}' is not accepted; use ${allowed.join(" or ")}`,
      [{ path: "--tf32-bits", message: `accepted: ${allowed.join(", ")}` }],
    );
  }
  return n;
}

export function registerClassifyCommands(program: Command): void {
  program
    .command("classify")
    .description("Classify a catalog chip or a spec (JSON) under the rules in force on a date")
    .option("--chip <id>", "catalog chip id (see `chipgate chips`)")
    .option("--spec <file>", "chip spec JSON file, or - for standard input")
    .option("--date <YYYY-MM-DD>", "date of the export (default: today)")
    .option("--mode <mode>", "as-enforced (default) or as-codified")
    .option("--tf32-bits <n>", "bit length counted for TF32: 32 (default) or 19")
    .option("--json", "print the result as JSON")
    .action(
      action((flags: ClassifyFlags) => {
        if ((flags.chip === undefined) === (flags.spec === undefined)) {
          throw new ChipGateError("INVALID_INPUT", "give exactly one of --chip <id> or --spec <file|->", [
            { path: "--chip/--spec", message: "exactly one is required" },
          ]);
        }
        const asOf = parseDate(flags.date);
        const mode = parseMode(flags.mode);
        const { rules, catalog } = loadEngine();
        const tf32BitLength = parseTf32(flags.tf32Bits, [
          rules.bitLength.tf32!,
          rules.tf32AlternativeBitLength,
        ]);
        let spec: ItemSpec;
        let chipId: string | null = null;
        if (flags.chip !== undefined) {
          const chip = findChip(catalog, flags.chip);
          spec = chip.spec;
          chipId = chip.id;
        } else {
          const parsed = parseItemSpec(readJsonInput(flags.spec!, "--spec"));
          if (!parsed.success) throw invalidInput(zodIssues(parsed.error.issues, "", "(spec)"));
          spec = parsed.data;
        }
        const result = classify(spec, rules, {
          asOf,
          mode,
          ...(chipId !== null && { chipId }),
          ...(tf32BitLength !== undefined && { tf32BitLength }),
        });
        if (flags.json) printJson({ chip: chipId, ruleDataVersion: rules.version, ...result });
        else process.stdout.write(`${formatClassification(result, rules.version)}\n`);
      }),
    );

  program
    .command("chips")
    .description("List or search the bundled chip catalog")
    .option("--search <text>", "words that must all appear in id, vendor, name or variant")
    .option("--json", "print JSON")
    .action(
      action((flags: { search?: string; json?: boolean }) => {
        const { catalog, rules } = loadEngine();
        const chips = flags.search ? searchCatalog(catalog, flags.search) : catalog;
        if (flags.json) {
          printJson(chips);
          return;
        }
        const rows = chips.map((c) => {
          const { tpp } = computeTpp(c.spec, rules.bitLength);
          const pd = c.spec.dieAreaMm2 && tpp ? tpp / c.spec.dieAreaMm2 : null;
          return [
            c.id,
            `${c.vendor} ${c.name} ${c.variant}`.trim(),
            c.segment,
            c.countryOfDesign,
            tpp ? formatNumber(Math.round(tpp)) : "-",
            pd === null ? "-" : pd.toFixed(2),
            c.memoryBandwidthGBs === null ? "-" : formatNumber(c.memoryBandwidthGBs),
          ];
        });
        printTable(["id", "chip", "segment", "design", "TPP", "PD", "mem GB/s"], rows);
        process.stdout.write(
          `${chips.length} chip(s). TPP with TF32 counted as 32 bits; classify a chip for the full explanation.\n`,
        );
      }),
    );

  program
    .command("history")
    .description("A chip's classification under every rule version")
    .requiredOption("--chip <id>", "catalog chip id")
    .option("--mode <mode>", "as-enforced (default) or as-codified")
    .option("--json", "print JSON")
    .action(
      action((flags: { chip: string; mode?: string; json?: boolean }) => {
        const mode = parseMode(flags.mode);
        const { rules, catalog } = loadEngine();
        const chip = findChip(catalog, flags.chip);
        const history = chipHistory(chip.spec, rules, mode, chip.id);
        const stale = currencyWarning(rules, today());
        if (flags.json) {
          printJson({
            chip: chip.id,
            mode,
            ruleDataVersion: rules.version,
            verifiedThrough: rules.verifiedThrough,
            warnings: stale ? [stale] : [],
            history,
          });
          return;
        }
        process.stdout.write(`${chip.spec.name} (${chip.id}) — classification history, mode ${mode}\n`);
        printTable(
          ["from", "to", "rule version", "result"],
          history.map((h) => [
            h.from,
            h.to ?? "(in force)",
            h.ruleVersion,
            (h.status === "undetermined"
              ? `undetermined (missing ${h.undetermined.join(", ")})`
              : (h.paragraph ?? "not 3A090/4A090/4E091 (may be EAR99 or another ECCN)")) +
              (h.notes.length ? ` [company-specific notice: ${h.notes.length}]` : ""),
          ]),
        );
        const notes = [...new Set(history.flatMap((h) => h.notes))];
        for (const n of notes) process.stdout.write(`Note: ${n}\n`);
        if (stale) process.stdout.write(`! ${stale.message}\n`);
        process.stdout.write(`${DISCLAIMER}\n`);
      }),
    );
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  process.stdout.write(
    `${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`,
  );
}
