import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { findChip } from "../core/catalog/catalog.js";
import { formatNumber } from "../core/classify/classify.js";
import { isCountryCode } from "../core/countries.js";
import { ChipGateError } from "../core/errors.js";
import { allocationUse, type Frontier, frontier } from "../core/frontier.js";
import { LIMITS } from "../core/limits.js";
import { loadEngine } from "../node/engine.js";
import { frontierSvg } from "../node/frontier-chart.js";
import { engineVersion } from "../node/package-info.js";
import { parseDate, parseMode } from "./options.js";
import { action, printJson } from "./run.js";

interface FrontierFlags {
  country: string;
  from?: string;
  to?: string;
  mode?: string;
  json?: boolean;
  svg?: string;
  png?: string;
}

function countries(value: string): string[] {
  const list = [
    ...new Set(
      value
        .split(",")
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  const bad = list.filter((c) => !isCountryCode(c));
  if (list.length === 0 || bad.length || list.length > LIMITS.frontierCountries) {
    throw new ChipGateError(
      "INVALID_INPUT",
      `--country: '${(bad.join(",") || value).slice(0, 60)}' is not a list of 1 to ${LIMITS.frontierCountries} ISO 3166-1 alpha-2 codes such as CN,AE,IN`,
      [
        {
          path: "--country",
          message: `expected 1 to ${LIMITS.frontierCountries} ISO alpha-2 codes separated by commas`,
        },
      ],
    );
  }
  return list;
}

function describe(f: Frontier): string {
  const lines = [`${f.country} — what can be exported, mode ${f.mode}`];
  for (const s of f.steps) {
    const top = (ids: string[]) =>
      ids.length ? `${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ` (+${ids.length - 3})` : ""}` : "-";
    lines.push(`${s.from} .. ${s.to}`);
    lines.push(
      `  no license (best TPP ${s.bestNoLicenseTpp === null ? "-" : formatNumber(s.bestNoLicenseTpp)}): ${top(s.noLicense)}`,
    );
    lines.push(`  license exception: ${top(s.licenseException)}`);
    lines.push(`  case-by-case: ${top(s.caseByCase)}`);
    if (s.presumptionOfApproval.length)
      lines.push(`  license, presumption of approval: ${top(s.presumptionOfApproval)}`);
    lines.push(`  domestic designs: ${top(s.domestic)}`);
  }
  lines.push(`Assumptions: ${f.assumptions.join(" ")}`);
  return lines.join("\n");
}

export function registerFrontierCommands(program: Command): void {
  program
    .command("frontier")
    .description("The most capable catalog chips a destination may obtain over time, by licensing path")
    .requiredOption("--country <codes>", "destination(s), ISO alpha-2, comma-separated (e.g. CN,AE,IN)")
    .option("--from <YYYY-MM-DD>", "start of the window", "2022-01-01")
    .option("--to <YYYY-MM-DD>", "end of the window (default: today)")
    .option("--mode <mode>", "as-enforced (default) or as-codified")
    .option("--json", "print JSON")
    .option("--svg <file>", "write a step chart of the best no-license TPP as SVG")
    .option("--png <file>", "write the same chart as PNG")
    .action(
      action(async (flags: FrontierFlags) => {
        const list = countries(flags.country);
        const from = parseDate(flags.from, "--from");
        const to = parseDate(flags.to, "--to");
        if (to < from)
          throw new ChipGateError("INVALID_INPUT", `--to (${to}) is before --from (${from})`, [
            { path: "--to", message: "must not be before --from" },
          ]);
        const mode = parseMode(flags.mode);
        const { rules, catalog } = loadEngine();
        const ctx = {
          rules,
          catalog,
          screen: (q: { name: string }) => ({ query: q.name, hits: [] }),
          versions: { engine: engineVersion, ruleData: rules.version, screeningData: "not used" },
        };
        const results = list.map((c) => frontier(c, { from, to, mode }, ctx));
        if (flags.svg || flags.png) {
          const svg = frontierSvg(results);
          if (flags.svg) writeFileSync(flags.svg, svg);
          if (flags.png) {
            const { Resvg } = await import("@resvg/resvg-js");
            writeFileSync(
              flags.png,
              new Resvg(svg, { fitTo: { mode: "width", value: 1440 }, font: { loadSystemFonts: true } })
                .render()
                .asPng(),
            );
          }
          process.stderr.write(`wrote ${[flags.svg, flags.png].filter(Boolean).join(" and ")}\n`);
        }
        if (flags.json) {
          const shaped = results.map((f) => ({
            country: f.country,
            mode: f.mode,
            assumptions: f.assumptions,
            events: f.events,
            steps: f.steps,
          }));
          printJson(shaped.length === 1 ? shaped[0] : shaped);
        } else if (!flags.svg && !flags.png) {
          process.stdout.write(
            `${results.map(describe).join("\n\n")}\nChipGate is decision support, not legal advice.\n`,
          );
        }
      }),
    );

  program
    .command("allocation")
    .description(
      "AI Diffusion TPP budgets (as codified) in units of catalog chips, or a planned purchase's share",
    )
    .option("--chip <id>", "catalog chip of a planned purchase")
    .option("--quantity <n>", "units in the planned purchase", "1")
    .option("--country <code>", "destination of the planned purchase")
    .option("--date <YYYY-MM-DD>", "date of the purchase (default: today)")
    .option("--json", "print JSON")
    .action(
      action(
        (flags: { chip?: string; quantity: string; country?: string; date?: string; json?: boolean }) => {
          const { rules, catalog } = loadEngine();
          const asOf = parseDate(flags.date);
          const quantity = Number(flags.quantity);
          if (!Number.isInteger(quantity) || quantity < 1) {
            throw new ChipGateError(
              "INVALID_INPUT",
              `--quantity: '${flags.quantity}' must be a whole number of at least 1`,
              [{ path: "--quantity", message: "whole number >= 1" }],
            );
          }
          if (flags.country !== undefined) countries(flags.country);
          const chips = flags.chip ? [findChip(catalog, flags.chip)] : catalog;
          const uses = chips
            .map((c) => allocationUse(c, flags.chip ? quantity : 1, asOf, rules))
            .filter((u) => u.tpp > 0);
          if (flags.json) {
            printJson(
              flags.chip
                ? { ...uses[0], country: flags.country ?? null, asOf, mode: "as-codified" }
                : { asOf, mode: "as-codified", chips: uses },
            );
            return;
          }
          if (flags.chip) {
            const u = uses[0]!;
            process.stdout.write(
              `${quantity} x ${u.chip} (TPP ${formatNumber(u.tpp)} each) = ${formatNumber(u.totalTpp)} TPP${flags.country ? ` to ${flags.country}` : ""} on ${asOf} (as codified):\n`,
            );
            for (const b of u.budgets)
              process.stdout.write(
                `  ${b.name}: ${(b.share * 100).toFixed(3)}% of ${formatNumber(b.tpp)} TPP (${formatNumber(b.unitsThatFit)} units fit)\n      [${b.citation}]\n`,
              );
          } else {
            const sorted = [...uses].sort((a, b) => b.tpp - a.tpp);
            process.stdout.write(`AI Diffusion budgets (as codified) in units of each chip:\n`);
            for (const u of sorted)
              process.stdout.write(
                `  ${u.chip.padEnd(34)} TPP ${formatNumber(u.tpp).padStart(8)}  ${u.budgets.map((b) => `${formatNumber(b.unitsThatFit)} per ${b.name.split(",")[0]}`).join("; ")}\n`,
              );
          }
          process.stdout.write(
            "The AI Diffusion rule is codified but not enforced since 2025-05-13. ChipGate is decision support, not legal advice.\n",
          );
        },
      ),
    );
}
