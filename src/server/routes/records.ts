import { z } from "zod";
import { AUDIT_CSV_HEADER, auditCsvLine } from "../../core/audit/csv.js";
import { type AuditRecord, canonicalJson, INSTANT_FORMAT, parseInstant } from "../../core/audit/index.js";
import { transaction } from "../../core/decide/transaction.js";
import { ChipGateError } from "../../core/errors.js";
import { invalidInput } from "../../core/issues.js";
import { LIMITS } from "../../core/limits.js";
import { ApiError } from "../errors.js";
import type { Role } from "../keys/key-store.js";
import { jsonText, type Route, roleRank, route } from "../route.js";
import { idParams, intParam } from "./common.js";

/** A time bound, checked here so that a bad one is reported as `query.from` / `query.to`. */
const instant = z
  .string()
  .min(1)
  .max(40)
  .superRefine((text, ctx) => {
    try {
      parseInstant(text, "instant");
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: (error as ChipGateError).issues[0]?.message ?? "not an instant",
      });
    }
  })
  .meta({ description: INSTANT_FORMAT });

const listQuery = z.object({
  outcome: z.string().max(LIMITS.textLength).optional(),
  actor: z
    .string()
    .max(LIMITS.textLength)
    .optional()
    .meta({ description: "`key:<id>` of the key that decided." }),
  from: instant.optional().meta({ description: `recordedAt from (inclusive): ${INSTANT_FORMAT}` }),
  to: instant.optional().meta({ description: "recordedAt before (exclusive)" }),
  limit: intParam(1, LIMITS.recordsPerPage)
    .optional()
    .meta({ description: `1 to ${LIMITS.recordsPerPage}; default 100.` }),
  cursor: z
    .string()
    .max(LIMITS.textLength)
    .optional()
    .meta({ description: "`nextCursor` of the previous page." }),
  order: z.enum(["asc", "desc"]).optional().meta({ description: "By seq; default asc." }),
});

/** The role that may read whole records (the transaction and the decision): the one that may export them. */
const FULL_RECORDS: Role = "admin";

/**
 * What a role below FULL_RECORDS reads of a record: where it sits in the chain, who decided, the outcome and
 * the versions, the destination and date asked about and the number of items, but not the transaction's
 * parties and figures nor the decision's text. `view` says which of the two a record is.
 */
function readableRecord(record: AuditRecord, role: Role): unknown {
  if (roleRank[role] >= roleRank[FULL_RECORDS]) return record;
  const { input, output: _output, ...rest } = record;
  const txn = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  return {
    ...rest,
    view: "summary",
    destination: typeof txn.destination === "string" ? txn.destination : null,
    date: typeof txn.date === "string" ? txn.date : null,
    items: Array.isArray(txn.items) ? txn.items.length : null,
  };
}

/** A store's INVALID_INPUT about a filter field, named as the query parameter it came from. */
function asQueryError(error: unknown): unknown {
  if (!(error instanceof ChipGateError) || error.code !== "INVALID_INPUT") return error;
  return invalidInput(error.issues.map((i) => ({ path: `query.${i.path}`, message: i.message })));
}

const exportQuery = z.object({
  format: z.enum(["jsonl", "csv"], { error: "format must be jsonl or csv" }),
  from: instant.optional(),
  to: instant.optional(),
});

const transactionBody = transaction.meta({
  example: {
    date: "2024-06-01",
    destination: "CN",
    items: [{ chip: "nvidia-h20", quantity: 100 }],
    endUser: { name: "Example Cloud Ltd", country: "CN", headquarters: "CN" },
  },
});

export const recordRoutes: Route[] = [
  route({
    method: "post",
    path: "/v1/decisions",
    operationId: "createDecision",
    summary: "Decide whether a transaction needs a license, and record the decision in the audit trail",
    description:
      "Responds only after the decision is durably in the audit trail (committed and flushed); a 201 is proof it is recorded.",
    tag: "decisions",
    access: "analyst",
    body: transactionBody,
    responses: {
      201: {
        description: "`{id, decision, record: {seq, recordedAt, hash, prevHash}}`; `Location` names it.",
      },
    },
    async handler({ rawJson, body, data, principal, deps }) {
      if (!data.decisions) {
        throw new ApiError("NOT_READY", "the decision engine is not available in this build");
      }
      // The body passed validation with the same schema, so the decision does not parse it again; the trail
      // records it as sent, not as parsed.
      const { outcome, json, placement } = await data.decisions.decideToJson(rawJson, {
        actor: principal.actor,
        validated: body,
      });
      deps.metrics.decision(outcome);
      const auditId = placement.id;
      const record = {
        seq: placement.seq,
        recordedAt: placement.recordedAt,
        hash: placement.hash,
        prevHash: placement.prevHash,
      };
      // The decision as recorded: its canonical text was made for the trail, so it is not serialized again.
      return jsonText(
        `{"id":${JSON.stringify(auditId)},"decision":${json},"record":${JSON.stringify(record)}}`,
        201,
        { location: `/v1/decisions/${encodeURIComponent(auditId)}` },
      );
    },
  }),
  route({
    method: "get",
    path: "/v1/decisions/{id}",
    operationId: "getDecision",
    summary:
      "One recorded decision: its audit record, with the transaction as `input` and the decision as `output` (admin); a summary for other roles",
    tag: "decisions",
    access: "viewer",
    params: idParams,
    ready: false,
    responses: {
      200: {
        description:
          'The audit record (admin), or its summary (`view: "summary"`: no input or output) for viewer and analyst keys.',
      },
      404: { description: "No decision with this id." },
    },
    async handler({ params, deps, principal }) {
      const record = await deps.store.get(params.id);
      if (!record) {
        throw new ChipGateError("NOT_FOUND", `no decision with id '${params.id}'`, [
          { path: "path.id", message: "no such decision" },
        ]);
      }
      return readableRecord(record, principal.role);
    },
  }),
  route({
    method: "get",
    path: "/v1/decisions",
    operationId: "listDecisions",
    summary: "Recorded decisions, filtered and paged by seq (whole records for admin, summaries otherwise)",
    tag: "decisions",
    access: "viewer",
    query: listQuery,
    ready: false,
    responses: {
      200: { description: "`{decisions, nextCursor}`; `nextCursor` is absent on the last page." },
    },
    async handler({ query, deps, principal }) {
      const page = await deps.store
        .list({
          ...(query.outcome !== undefined && { outcome: query.outcome }),
          ...(query.actor !== undefined && { actor: query.actor }),
          ...(query.from !== undefined && { from: query.from }),
          ...(query.to !== undefined && { to: query.to }),
          ...(query.limit !== undefined && { limit: query.limit }),
          ...(query.cursor !== undefined && { cursor: query.cursor }),
          ...(query.order !== undefined && { order: query.order }),
        })
        .catch((error: unknown) => {
          throw asQueryError(error);
        });
      return {
        decisions: page.records.map((r) => readableRecord(r, principal.role)),
        nextCursor: page.nextCursor ?? null,
      };
    },
  }),
  route({
    method: "get",
    path: "/v1/audit/verify",
    operationId: "verifyAudit",
    summary: "Recompute the hash chain of the whole trail and compare it with the head row",
    description:
      "One verification runs at a time per server, in slices that let other requests through; requests that arrive meanwhile share the next one.",
    tag: "audit",
    access: "viewer",
    ready: false,
    responses: {
      200: { description: "`{ok, checked, head, firstBad}`; `ok: false` names the first bad record." },
    },
    async handler({ deps }) {
      const result = await deps.store.verify();
      return { dialect: deps.store.dialect, ...result };
    },
  }),
  route({
    method: "get",
    path: "/v1/audit/export",
    operationId: "exportAudit",
    summary: "Every record of a time range in seq order, streamed as JSON Lines or CSV",
    description:
      "JSON Lines keep each record verbatim (canonical JSON), so the chain can be re-verified from the export.",
    tag: "audit",
    access: "admin",
    query: exportQuery,
    ready: false,
    responses: {
      200: { description: "One record per line.", contentType: "application/x-ndjson" },
    },
    async handler({ query, deps }) {
      const iterator = deps.store
        .stream({
          ...(query.from !== undefined && { from: query.from }),
          ...(query.to !== undefined && { to: query.to }),
        })
        [Symbol.asyncIterator]();
      // Pull the first record before answering so a bad range is a 400, not a broken stream.
      const first = await iterator.next().catch((error: unknown) => {
        throw asQueryError(error);
      });
      const encoder = new TextEncoder();
      let pending: IteratorResult<AuditRecord> | undefined = first;
      let headerSent = false;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          let out = "";
          if (!headerSent) {
            headerSent = true;
            if (query.format === "csv") out += AUDIT_CSV_HEADER;
          }
          try {
            for (let n = 0; n < 200; n++) {
              const next = pending ?? (await iterator.next());
              pending = undefined;
              if (next.done) {
                controller.enqueue(encoder.encode(out));
                controller.close();
                return;
              }
              out += query.format === "csv" ? auditCsvLine(next.value) : `${canonicalJson(next.value)}\n`;
            }
            controller.enqueue(encoder.encode(out));
          } catch (error) {
            deps.logger.log("error", "audit export failed", { message: (error as Error).message });
            controller.error(error);
          }
        },
        async cancel() {
          await iterator.return?.();
        },
      });
      return new Response(body, {
        headers: {
          "content-type":
            query.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
          "content-disposition": `attachment; filename="chipgate-audit.${query.format}"`,
        },
      });
    },
  }),
];
