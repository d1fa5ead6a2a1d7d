import { once } from "node:events";
import { createWriteStream, existsSync } from "node:fs";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { AUDIT_CSV_HEADER, auditCsvLine } from "../core/audit/csv.js";
import { type ChainHead, canonicalJson, INSTANT_FORMAT, parseInstant } from "../core/audit/index.js";
import { ChipGateError } from "../core/errors.js";
import { type AuditStore, DEFAULT_DATA_DIR, openAuditStore, sqliteAuditFile } from "../store/index.js";
import { action, printJson } from "./run.js";

/** Exit code of `audit verify` when the trail is not intact: an answer, not bad input (2) nor a failure (1). */
export const EXIT_CHAIN_BROKEN = 3;

const EXPORT_FORMATS = ["jsonl", "csv"] as const;

interface StoreFlags {
  dataDir: string;
  databaseUrl?: string;
}

function invalid(flag: string, message: string): ChipGateError {
  return new ChipGateError("INVALID_INPUT", `${flag}: ${message}`, [{ path: flag, message }]);
}

/** Opens the trail named by the flags; unlike the server, never creates an empty one by accident. */
async function openExisting(flags: StoreFlags): Promise<AuditStore> {
  const databaseUrl = flags.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) return openAuditStore({ databaseUrl });
  const file = sqliteAuditFile(flags.dataDir);
  if (!existsSync(file)) {
    throw invalid(
      "--data-dir",
      `no audit trail at ${file}; pass the data directory ChipGate records into, or --database-url / DATABASE_URL`,
    );
  }
  return openAuditStore({ dataDir: flags.dataDir });
}

function parseAnchor(value: string): ChainHead {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(value.trim());
  if (!m)
    throw invalid("--anchor", `${JSON.stringify(value)} is not SEQ:HASH (a seq and 64 lowercase hex digits)`);
  return { seq: Number(m[1]), hash: m[2]! };
}

function storeOptions(command: Command): Command {
  return command
    .option("--data-dir <dir>", "directory holding the SQLite trail (audit.sqlite)", DEFAULT_DATA_DIR)
    .option(
      "--database-url <url>",
      "PostgreSQL URL of a shared trail; default $DATABASE_URL; wins over --data-dir",
    );
}

export function registerAuditCommands(program: Command): void {
  const audit = program
    .command("audit")
    .description("Check and export the tamper-evident audit trail of decisions (see docs/audit-trail.md)");

  storeOptions(
    audit
      .command("verify")
      .description(
        "Recompute the hash chain and compare it with the head row; names the first altered, removed, inserted or reordered record",
      ),
  )
    .option(
      "--anchor <seq:hash>",
      "a (seq, hash) kept outside the database from an earlier verify; repeatable; detects a rewritten tail",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      "\nExit status: 0 the trail is intact, 3 it is not (the first bad record is named), 2 bad input, 1 the store failed.",
    )
    .action(
      action(async (opts: StoreFlags & { anchor?: string[]; json?: boolean }) => {
        const anchors = (opts.anchor ?? []).map(parseAnchor);
        const store = await openExisting(opts);
        try {
          const result = await store.verify({ anchors });
          if (opts.json) {
            printJson({ store: { dialect: store.dialect, location: store.location }, ...result });
          } else if (result.ok) {
            const head = result.head ? `; head ${result.head.seq}:${result.head.hash}` : "";
            process.stdout.write(
              `audit trail intact: ${result.checked} record(s)${head} (${store.location})\n`,
            );
          } else {
            const bad = result.firstBad!;
            process.stdout.write(
              `audit trail NOT intact (${store.location}): first bad record seq ${bad.seq}${bad.id ? ` id ${bad.id}` : ""}: ${bad.reason}\n  ${bad.message}\n  ${result.checked} record(s) verified before it\n`,
            );
          }
          process.exitCode = result.ok ? 0 : EXIT_CHAIN_BROKEN;
        } finally {
          await store.close();
        }
      }),
    );

  storeOptions(
    audit
      .command("export")
      .description(
        "Write the records of a time range in seq order, streamed; JSON Lines keep each record verbatim",
      ),
  )
    .option("--from <instant>", `first recordedAt included: ${INSTANT_FORMAT}`)
    .option("--to <instant>", "recordedAt before which to stop (excluded); same forms as --from")
    .option("--format <format>", `${EXPORT_FORMATS.join(" or ")} (required)`)
    .option("--out <file>", "write here instead of standard output")
    .action(
      action(async (opts: StoreFlags & { from?: string; to?: string; format?: string; out?: string }) => {
        if (opts.format === undefined)
          throw invalid("--format", `required; accepted: ${EXPORT_FORMATS.join(", ")}`);
        const format = opts.format.toLowerCase();
        if (format !== "jsonl" && format !== "csv") {
          throw invalid(
            "--format",
            `${JSON.stringify(opts.format)} is not a format; accepted: ${EXPORT_FORMATS.join(", ")}`,
          );
        }
        const range = {
          ...(opts.from === undefined ? {} : { from: parseInstant(opts.from, "--from") }),
          ...(opts.to === undefined ? {} : { to: parseInstant(opts.to, "--to") }),
        };
        if (range.from && range.to && range.from > range.to) throw invalid("--to", "is earlier than --from");
        const store = await openExisting(opts);
        try {
          const out: Writable = opts.out ? createWriteStream(opts.out) : process.stdout;
          const write = async (text: string) => {
            if (!out.write(text)) await once(out, "drain");
          };
          if (format === "csv") await write(AUDIT_CSV_HEADER);
          for await (const record of store.stream(range)) {
            await write(format === "csv" ? auditCsvLine(record) : `${canonicalJson(record)}\n`);
          }
          if (out !== process.stdout) {
            out.end();
            await once(out, "finish");
          }
        } finally {
          await store.close();
        }
      }),
    );
}
