import type { Command } from "commander";
import { WATCHED_EAR_PARTS } from "../core/federal-register.js";
import { type EarUpdates, FEDERAL_REGISTER_API_URL, listEarUpdates } from "../node/federal-register.js";
import { loadRuleBook } from "../node/rules-loader.js";
import { parseDate } from "./options.js";
import { action, printJson } from "./run.js";

interface UpdatesFlags {
  since?: string;
  json?: boolean;
  apiUrl: string;
}

const partsText = `${WATCHED_EAR_PARTS.slice(0, -1).join(", ")} or ${WATCHED_EAR_PARTS.at(-1)}`;

/** The human answer: a header saying what was asked, one table row per document, its address beneath. */
export function formatEarUpdates(result: EarUpdates, sinceIsDefault: boolean): string {
  const since = sinceIsDefault ? `${result.since} (the rule data's verified-through date)` : result.since;
  const lines = [
    `BIS documents in the Federal Register published since ${since}`,
    `that touch 15 CFR parts ${partsText}: ${result.documents.length} (of ${result.scanned} documents read from ${result.apiUrl})`,
  ];
  if (result.documents.length > 0) {
    const header = ["Published", "Effective", "Type", "Document", "15 CFR parts", "Title"];
    const rows = result.documents.map((d) => [
      d.publicationDate,
      d.effectiveOn ?? "-",
      d.type,
      d.documentNumber,
      d.cfrParts.join(", "),
      d.title,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const indent = " ".repeat(widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0));
    const row = (cells: string[]) =>
      cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ");
    lines.push("", row(header), row(widths.map((w) => "-".repeat(w))));
    result.documents.forEach((d, i) => {
      lines.push(row(rows[i]!), `${indent}${d.htmlUrl}`);
    });
  }
  lines.push(
    "",
    "Read each one before raising verified_through in data/rules/versions.yaml (docs/adding-a-rule-change.md).",
    "FederalRegister.gov is not the official legal edition; the official text is on govinfo.gov.",
  );
  return `${lines.join("\n")}\n`;
}

async function updatesAction(flags: UpdatesFlags): Promise<void> {
  const sinceIsDefault = flags.since === undefined;
  const since = sinceIsDefault ? loadRuleBook().verifiedThrough : parseDate(flags.since, "--since");
  const result = await listEarUpdates({ since, apiUrl: flags.apiUrl });
  if (flags.json) {
    printJson({
      since: result.since,
      apiUrl: result.apiUrl,
      count: result.documents.length,
      documents: result.documents,
      parts: WATCHED_EAR_PARTS,
      scanned: result.scanned,
    });
    return;
  }
  process.stdout.write(formatEarUpdates(result, sinceIsDefault));
}

export function registerRulesCommands(program: Command): void {
  const rules = program.command("rules").description("The rule data's currency: what was published since");
  rules
    .command("updates")
    .description(
      `List BIS documents in the Federal Register published since a date that touch EAR parts ${partsText}`,
    )
    .option(
      "--since <date>",
      "first publication date to list, YYYY-MM-DD (default: the rule data's verified-through date)",
    )
    .option("--json", "print one JSON document")
    .option(
      "--api-url <url>",
      "base address of the Federal Register API (mirrors, tests)",
      FEDERAL_REGISTER_API_URL,
    )
    .action(action(updatesAction));
}
