import { userInfo } from "node:os";
import type { Command } from "commander";
import type { Decision } from "../core/decide/types.js";
import { checkCatalogIds, createDecisionService, validateTransaction } from "../node/decision-service.js";
import { loadEngine } from "../node/engine.js";
import { loadScreeningDataset } from "../node/screening/index.js";
import { openAuditStore } from "../store/index.js";
import { readJsonInput } from "./options.js";
import { action, printJson } from "./run.js";

interface DecideFlags {
  spec: string;
  dataDir?: string;
  databaseUrl?: string;
  actor?: string;
  json?: boolean;
}

/** The determination as a file note: outcome, then each item with its requirements, exception and policy. */
export function formatDecision(d: Decision, auditId: string): string {
  const lines: string[] = [];
  lines.push(`Decision ${auditId} — ${d.asOf}, mode ${d.mode}, rule version ${d.ruleVersion?.id ?? "none"}`);
  lines.push(
    `Export from ${d.exportedFrom} to ${d.destination}${d.destinationAsEntered !== d.destination ? ` (entered as ${d.destinationAsEntered})` : ""}`,
  );
  lines.push(`OUTCOME: ${d.outcome.toUpperCase()}`);
  for (const p of d.parties) {
    lines.push(
      `Party ${p.role} '${p.name}': ${p.band ? `${p.band.toUpperCase()} — ${p.hits.map((h) => `${h.name} [${h.list} ${h.id}] score ${h.score.toFixed(2)}`).join("; ")}` : "no restricted-party hit"}`,
    );
  }
  for (const item of d.items) {
    lines.push(`\nItem ${item.index + 1}: ${item.quantity} x ${item.description}`);
    lines.push(`  ECCN: ${item.paragraph ?? "not 3A090/4A090/4E091"}`);
    lines.push(
      `  License required: ${item.licenseRequired === null ? "undetermined" : item.licenseRequired ? "yes" : "no"}`,
    );
    if (item.licenseRequired) {
      lines.push(
        `  License exception: ${item.exception ?? "none"}${item.exceptionDetail ? ` — ${item.exceptionDetail.reason}` : ""}`,
      );
      lines.push(`  Review policy: ${item.reviewPolicy ?? "none published"}`);
    }
    for (const r of item.requirements) lines.push(`  - ${r.message}\n      [${r.citation.text}]`);
    for (const r of item.reasons.filter(
      (x) => x.code === "REVIEW_POLICY" || x.code === "NO_EXCEPTION" || x.code === "NO_REQUIREMENT",
    )) {
      lines.push(`  - ${r.message}\n      [${r.citation.text}]`);
    }
    for (const u of item.undetermined) lines.push(`  ! missing ${u.field}: ${u.message}`);
    for (const w of item.warnings) lines.push(`  ! ${w.message}`);
  }
  for (const w of d.warnings) lines.push(`! ${w.message}`);
  lines.push(
    d.otherMode.differs
      ? `\nOther mode (${d.otherMode.mode}): ${d.otherMode.outcome} — ${d.otherMode.differences.join("; ")}`
      : `\nOther mode (${d.otherMode.mode}): same answer.`,
  );
  lines.push(
    `Versions: engine ${d.versions.engine}, rules ${d.versions.ruleData}, screening ${d.versions.screeningData}. ${d.disclaimer}`,
  );
  return lines.join("\n");
}

export function registerDecideCommands(program: Command): void {
  program
    .command("decide")
    .description(
      "Decide a transaction (items x destination x parties x date) and record it in the audit trail",
    )
    .requiredOption("--spec <file>", "transaction JSON file, or - for standard input")
    .option("--data-dir <dir>", "data directory (SQLite audit trail, imported lists)", "./chipgate-data")
    .option("--database-url <url>", "PostgreSQL audit trail (default: $DATABASE_URL)")
    .option("--actor <name>", "who asks (recorded in the trail; default: cli:<user>)")
    .option("--json", "print the decision as JSON")
    .action(
      action(async (flags: DecideFlags) => {
        const raw = readJsonInput(flags.spec, "--spec");
        // Checked before anything is loaded, with the API's words: a bad transaction is refused at once.
        const validated = validateTransaction(raw);
        const engine = loadEngine();
        checkCatalogIds(validated, engine.catalog);
        const dataset = await loadScreeningDataset({ ...(flags.dataDir && { dataDir: flags.dataDir }) });
        const databaseUrl = flags.databaseUrl ?? process.env.DATABASE_URL;
        const store = await openAuditStore({
          ...(flags.dataDir && { dataDir: flags.dataDir }),
          ...(databaseUrl && { databaseUrl }),
        });
        try {
          const service = createDecisionService({ engine, screening: () => dataset, store });
          const { decision, auditId } = await service.decide(raw, {
            actor: flags.actor ?? `cli:${userInfo().username}`,
            validated,
          });
          if (flags.json) printJson({ ...decision, auditId });
          else process.stdout.write(`${formatDecision(decision, auditId)}\n`);
        } finally {
          await store.close();
        }
      }),
    );
}
