import { parse } from "csv-parse";
import { z } from "zod";
import { LIMITS, tooLongMessage } from "../../core/limits.js";
import {
  LIST_CODES,
  type ListCode,
  type ScreeningOptions,
  type ScreeningQuery,
  screenName,
} from "../../core/screening/index.js";
import { emptyCsv, unreadableCsv } from "../../node/csv-errors.js";
import { engineVersion } from "../../node/package-info.js";
import { DEFAULT_MAX_SHRINK, importList } from "../../node/screening/dataset.js";
import {
  ageInDays,
  type BatchRow,
  batchCsvHeader,
  batchRowCsv,
  batchRowJson,
  checkBatchRow,
  type DatasetVersion,
  enrichmentInfo,
  screenedJson,
} from "../../node/screening/index.js";
import { timeSlices } from "../../node/time-slices.js";
import { bodyStream } from "../body.js";
import { ApiError, toApiError } from "../errors.js";
import type { Metrics } from "../metrics.js";
import { json, jsonText, type Route, route } from "../route.js";
import type { LoadedData } from "../state.js";

const countryCode = z
  .string()
  .max(2, { error: "must be an ISO 3166-1 alpha-2 code such as CN" })
  .regex(/^[A-Za-z]{2}$/, { error: "must be an ISO 3166-1 alpha-2 code such as CN" })
  .transform((s) => s.toUpperCase());

/** `lists`: list codes as an array or one comma-separated string ("EL,SDN,MEU"). */
const listCodes = z
  .union([z.array(z.string()), z.string()])
  .transform((v, ctx) => {
    const codes = (Array.isArray(v) ? v : v.split(","))
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== "");
    const unknown = codes.filter((c) => !(LIST_CODES as readonly string[]).includes(c));
    if (codes.length === 0 || unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `${unknown.length > 0 ? `unknown list ${unknown.join(", ")}; ` : ""}use list codes such as ${LIST_CODES.join(", ")}`,
      });
      return z.NEVER;
    }
    return [...new Set(codes)] as ListCode[];
  })
  .meta({ description: "Only hits on these lists, e.g. `EL,SDN,MEU` (default: all lists)." });

/** The result controls, in a JSON body or a query string alike. */
const controls = {
  limit: z.coerce
    .number()
    .int({ error: "limit must be a whole number" })
    .min(1)
    .max(LIMITS.hitsPerName)
    .optional()
    .meta({
      description: `Most hits returned (default 10, at most ${LIMITS.hitsPerName}); \`moreHits\` says how many more exist.`,
    }),
  minScore: z.coerce
    .number()
    .min(0)
    .max(1)
    .optional()
    .meta({ description: "Lowest score returned (hits below the review band are never returned)." }),
  lists: listCodes.optional(),
};

const screenQuery = z
  .strictObject({
    name: z
      .string()
      .max(LIMITS.nameLength, { error: tooLongMessage("name", LIMITS.nameLength) })
      .trim()
      .min(1, { error: "name must not be empty" }),
    country: countryCode.optional().meta({ description: "ISO alpha-2 country of the party." }),
    address: z
      .string()
      .max(LIMITS.addressLength, { error: tooLongMessage("address", LIMITS.addressLength) })
      .optional(),
    ...controls,
  })
  .meta({
    example: { name: "Huawei Technologies Co., Ltd.", country: "CN", limit: 5, lists: ["EL", "SDN", "MEU"] },
  });

const batchQuery = screenQuery.omit({ limit: true, minScore: true, lists: true });

const batchBody = z
  .strictObject({
    queries: z
      .array(batchQuery)
      .min(1, { error: "queries must list at least one name" })
      .max(LIMITS.namesPerBatch, {
        error: `at most ${LIMITS.namesPerBatch} names per request; stream larger files to /v1/screen/csv`,
      }),
    ...controls,
  })
  .meta({
    description: `Up to ${LIMITS.namesPerBatch} names; \`limit\`, \`minScore\` and \`lists\` apply to each.`,
  });

const csvQuery = z.object({
  column: z
    .string()
    .min(1)
    .max(LIMITS.textLength)
    .optional()
    .meta({ description: "Column of names; default `name`." }),
  countryColumn: z
    .string()
    .min(1)
    .max(LIMITS.textLength)
    .optional()
    .meta({ description: "Column of ISO alpha-2 codes." }),
  format: z.enum(["jsonl", "csv"]).optional().meta({ description: "Response format; default jsonl." }),
  ...controls,
});

type Controls = { limit?: number | undefined; minScore?: number | undefined; lists?: ListCode[] | undefined };

function screeningOptions(c: Controls): ScreeningOptions {
  return {
    ...(c.limit !== undefined && { limit: c.limit }),
    ...(c.minScore !== undefined && { minScore: c.minScore }),
    ...(c.lists !== undefined && { lists: c.lists }),
  };
}

/** The part of a cache key that says which result controls made a result ("" for the defaults). */
function controlsKey(o: ScreeningOptions): string {
  return o.limit === undefined && o.minScore === undefined && o.lists === undefined
    ? ""
    : `${o.limit ?? ""}|${o.minScore ?? ""}|${o.lists?.join(",") ?? ""}`;
}

const importQuery = z.object({
  filename: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, { error: "letters, digits, dot, dash and underscore only" })
    .optional()
    .meta({ description: "Name recorded as `importedFrom`; default consolidated.csv." }),
  allowShrink: z.enum(["true", "false"], { error: "must be true or false" }).optional().meta({
    description: "true: put the list in force even if a source list lost more than maxShrink of its rows.",
  }),
  maxShrink: z
    .string()
    .regex(/^\d{1,2}(\.\d{1,3})?$|^100$/, { error: "must be a percentage from 0 to 100" })
    .optional()
    .meta({
      description: `Largest share (percent) of its rows a source list may lose; default ${DEFAULT_MAX_SHRINK * 100}.`,
    }),
});

/** A list's version as an answer shows it: without where the server keeps the file. */
function publicVersion(v: DatasetVersion): Omit<DatasetVersion, "loadedFrom"> {
  const { loadedFrom: _where, ...rest } = v;
  return rest;
}

type ScreenJson = ReturnType<typeof screenedJson>;
type Query = { name: string; country?: string | undefined; address?: string | undefined };

function screeningQuery(q: Query): ScreeningQuery {
  return {
    name: q.name,
    ...(q.country !== undefined && { country: q.country }),
    ...(q.address !== undefined && { address: q.address }),
  };
}

function screenHere(data: LoadedData, q: Query, options: ScreeningOptions): ScreenJson {
  return screenedJson(screenName(data.screening.index, screeningQuery(q), options));
}

/**
 * The answer of the screening thread, when there is one and it answered from the list in force for this
 * request: the thread may still hold a list that an import replaced, or be loading one.
 */
async function screenOnThread(
  data: LoadedData,
  q: Query,
  options: ScreeningOptions,
  metrics: Metrics,
): Promise<ScreenJson | undefined> {
  const answer = await data.screenThread?.screen(screeningQuery(q), options);
  if (!answer || answer.hash !== data.screening.version.hash) return undefined;
  metrics.screenedOnThread();
  return JSON.parse(answer.json) as ScreenJson;
}

/** The cached result for `key`, counted; undefined when the cache does not hold it. */
function recall(data: LoadedData, key: string, metrics: Metrics): ScreenJson | undefined {
  const r = data.screenCache.get(key) as ScreenJson | undefined;
  if (r) metrics.screening(r.band);
  return r;
}

/** Caches and counts a result just screened. */
function remember(data: LoadedData, key: string, r: ScreenJson, metrics: Metrics): ScreenJson {
  data.screenCache.set(key, r);
  metrics.screening(r.band);
  return r;
}

/** Screens one query through the result cache of the list in force, on this thread. */
export function screenOne(
  data: LoadedData,
  q: Query,
  metrics: Metrics,
  options: ScreeningOptions = {},
): ScreenJson {
  const key = data.screenCache.key(q.name, q.country, q.address, controlsKey(options));
  return recall(data, key, metrics) ?? remember(data, key, screenHere(data, q, options), metrics);
}

/** `screenOne`, with a name the cache does not hold screened on the screening thread when it can. */
async function screenOneOffThread(
  data: LoadedData,
  q: Query,
  options: ScreeningOptions,
  metrics: Metrics,
): Promise<ScreenJson> {
  const key = data.screenCache.key(q.name, q.country, q.address, controlsKey(options));
  const cached = recall(data, key, metrics);
  if (cached) return cached;
  const answer = (await screenOnThread(data, q, options, metrics)) ?? screenHere(data, q, options);
  return remember(data, key, answer, metrics);
}

function screeningVersion(data: LoadedData) {
  const v = data.screening.version;
  return {
    hash: v.hash,
    snapshotDate: v.snapshotDate ?? null,
    source: v.source,
    enrichmentHash: v.enrichment?.hash ?? null,
  };
}

// Serialized answers of the one-name route, keyed by the cached result they serialize: one cache lookup per
// request, and a text goes when its result leaves the cache (or the list, with its cache, is replaced).
const texts = new WeakMap<object, string>();

/** Rows of a CSV upload answered per chunk of the response. */
const SLICE = 64;

export const screeningRoutes: Route[] = [
  route({
    method: "post",
    path: "/v1/screen",
    operationId: "screen",
    summary: "Screen one party name against the Consolidated Screening List",
    description:
      "Names in any script. The name is never written to the server log unless the operator opts in.",
    tag: "screening",
    access: "analyst",
    body: screenQuery,
    responses: {
      200: {
        description:
          "`{query, band, hits, moreHits, country, screeningData}`; `band` is match, review or clear; `moreHits` counts the hits beyond `limit`.",
      },
    },
    async handler({ body, data, deps, requestId }) {
      if (deps.config.logScreenedNames) deps.logger.log("info", "screen", { requestId, name: body.name });
      const r = await screenOneOffThread(data, body, screeningOptions(body), deps.metrics);
      let text = texts.get(r);
      if (text === undefined) {
        // The cache key holds the country, so the country echoed here is the same for every hit of `r`.
        text = JSON.stringify({ ...r, country: body.country ?? null, screeningData: screeningVersion(data) });
        if (data.screenCache.capacity > 0) texts.set(r, text);
      }
      return jsonText(text);
    },
  }),
  route({
    method: "post",
    path: "/v1/screen/batch",
    operationId: "screenBatch",
    summary: "Screen up to 1,000 names in one request",
    tag: "screening",
    access: "analyst",
    body: batchBody,
    responses: {
      200: { description: "`{results, summary, screeningData}`; results are in the order of `queries`." },
    },
    async handler({ body, data, deps }) {
      const results: unknown[] = [];
      const summary = { match: 0, review: 0, clear: 0 };
      const options = screeningOptions(body);
      // Screening runs on the event loop; pausing every few milliseconds keeps other requests moving.
      const slices = timeSlices();
      for (let i = 0; i < body.queries.length; i++) {
        await slices.pause();
        const q = body.queries[i]!;
        const r = screenOne(data, q, deps.metrics, options);
        summary[r.band as keyof typeof summary]++;
        results.push({ ...r, country: q.country ?? null });
      }
      return { results, summary, screeningData: screeningVersion(data) };
    },
  }),
  route({
    method: "post",
    path: "/v1/screen/csv",
    operationId: "screenCsv",
    summary: "Screen every row of an uploaded CSV; results stream back as rows are read",
    description:
      'The upload is read as a stream (memory does not grow with the file) and may be as large as the server\'s upload limit. Each row\'s other columns come back with its results (`input` in JSON Lines, trailing columns in CSV). A bad row (an empty name, a name over 500 characters, a malformed country) gets an error line, `{line, query, error}`, and the run goes on; the summary counts it. JSON Lines output ends with a `{"summary": …}` line, or an `{"error": …}` line when the CSV itself is unreadable. `limit`, `minScore` and `lists` apply to every row.',
    tag: "screening",
    access: "analyst",
    query: csvQuery,
    rawBody: { contentType: "text/csv", description: "A CSV file with a header row." },
    responses: {
      200: {
        description: "One JSON line per row (`format=jsonl`), or CSV rows, one per hit.",
        contentType: "application/x-ndjson",
      },
    },
    async handler({ query, request, data, deps }) {
      const column = query.column ?? "name";
      const format = query.format ?? "jsonl";
      const input = bodyStream(request, deps.config.maxUploadBytes);
      const parser = input.pipe(
        parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
      );
      input.on("error", (e) => parser.destroy(e));
      const rows = (parser as AsyncIterable<{ record: string[]; info: { lines: number } }>)[
        Symbol.asyncIterator
      ]();
      const fail = (message: string, path: string) =>
        new ApiError("INVALID_INPUT", message, [{ path, message }]);
      let first: IteratorResult<{ record: string[]; info: { lines: number } }>;
      try {
        first = await rows.next();
      } catch (error) {
        parser.destroy();
        throw unreadableCsv(error) ?? error;
      }
      if (first.done) throw emptyCsv();
      const header = first.value.record.map((h) => h.trim());
      const nameAt = header.indexOf(column);
      if (nameAt < 0) {
        parser.destroy();
        throw fail(`no column "${column}" (columns: ${header.join(", ")})`, "query.column");
      }
      const countryAt = query.countryColumn === undefined ? -1 : header.indexOf(query.countryColumn);
      if (query.countryColumn !== undefined && countryAt < 0) {
        parser.destroy();
        throw fail(
          `no column "${query.countryColumn}" (columns: ${header.join(", ")})`,
          "query.countryColumn",
        );
      }
      let prevEnd = first.value.info.lines;
      const summary = { rows: 0, match: 0, review: 0, clear: 0, errors: 0 };
      const slices = timeSlices();
      const encoder = new TextEncoder();
      let started = false;
      const options = screeningOptions(query);
      // The input's other columns go along with each row's results.
      const carried = { names: [] as string[], positions: [] as number[] };
      header.forEach((h, i) => {
        if (i !== nameAt && i !== countryAt) {
          carried.names.push(h);
          carried.positions.push(i);
        }
      });
      const columns = { name: column, country: query.countryColumn };
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          let out = "";
          if (!started) {
            started = true;
            if (format === "csv") out += batchCsvHeader(carried);
          }
          try {
            for (let n = 0; n < SLICE; n++) {
              await slices.pause();
              const next = await rows.next();
              if (next.done) {
                if (format === "jsonl") out += `${JSON.stringify({ summary })}\n`;
                controller.enqueue(encoder.encode(out));
                controller.close();
                return;
              }
              const { record, info } = next.value;
              const line = prevEnd + 1;
              prevEnd = info.lines;
              summary.rows++;
              const cell = record[nameAt] ?? "";
              const checked = checkBatchRow(cell, countryAt >= 0 ? record[countryAt] : undefined, columns);
              const row: BatchRow = {
                line,
                name: cell.trim(),
                country: undefined,
                input: carried.positions.map((p) => record[p] ?? ""),
              };
              if ("error" in checked) {
                row.error = checked.error;
                summary.errors++;
              } else {
                row.name = checked.name;
                row.country = checked.country;
                row.result = screenOne(
                  data,
                  { name: checked.name, country: checked.country },
                  deps.metrics,
                  options,
                );
                summary[row.result.band]++;
              }
              out += format === "jsonl" ? batchRowJson(row, carried) : batchRowCsv(row);
            }
            controller.enqueue(encoder.encode(out));
          } catch (error) {
            const apiError = toApiError(unreadableCsv(error) ?? error);
            deps.logger.log("warn", "csv screening stopped", { code: apiError.code });
            out +=
              format === "jsonl"
                ? `${JSON.stringify({ error: { code: apiError.code, message: apiError.message } })}\n`
                : `error,${csvCell(apiError.message)}\n`;
            controller.enqueue(encoder.encode(out));
            controller.close();
            parser.destroy();
          }
        },
        cancel() {
          parser.destroy();
        },
      });
      return new Response(body, {
        status: 200,
        headers: {
          "content-type":
            format === "jsonl" ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8",
        },
      });
    },
  }),
  route({
    method: "get",
    path: "/v1/data/info",
    operationId: "dataInfo",
    summary:
      "Versions of the loaded rules, chip catalog and screening list, with the list's known gaps and the native-name enrichment applied to it",
    tag: "data",
    access: "viewer",
    responses: {
      200: {
        description:
          "`{engine, rules, catalog, screening}`; `screening.enrichment` says how many native-name rows joined the list and lists those that did not (`unjoined`).",
      },
    },
    handler({ data }) {
      const { rules, catalog } = data.engine;
      const v = data.screening.version;
      return {
        engine: engineVersion,
        rules: {
          version: rules.version,
          lastReviewed: rules.lastReviewed,
          verifiedThrough: rules.verifiedThrough,
        },
        catalog: { chips: catalog.length },
        screening: {
          hash: v.hash,
          source: v.source,
          snapshotDate: v.snapshotDate ?? null,
          ageDays: ageInDays(v.snapshotDate) ?? null,
          importedAt: v.importedAt ?? null,
          importedFrom: v.importedFrom ?? null,
          rowsPerList: v.rowsPerList,
          rows: Object.values(v.rowsPerList).reduce((a, b) => a + (b ?? 0), 0),
          gaps: data.screening.gaps,
          enrichment: enrichmentInfo(data.screening),
        },
      };
    },
  }),
  route({
    method: "post",
    path: "/v1/data/import",
    operationId: "importScreeningList",
    summary: "Import a newer official consolidated.csv and put it in force on this server",
    description:
      "The upload is validated and indexed completely before it replaces the list in the data directory; on any failure the previous list stays in force. Imports run one at a time. A list in which an `_id` appears twice within one source list, or in which a source list lost more than `maxShrink` percent of its rows (default 5) compared with the list in force, is refused with the counts unless `allowShrink=true`. Only the server receiving the upload switches; restart the others on the same data directory, or import on each.",
    tag: "data",
    access: "admin",
    query: importQuery,
    rawBody: { contentType: "text/csv", description: "The CSL in the official trade.gov CSV layout." },
    responses: {
      200: { description: "`{imported: true, version, rows, gaps}`." },
      400: { description: "The file is not a valid CSL (SCREENING_DATA_INVALID); nothing was replaced." },
    },
    async handler({ query, request, deps }) {
      // Imports are serialized; the list is put in force while its import still holds the lock, so the list
      // this server answers from is the one on disk, whatever order concurrent uploads finish in.
      const dataset = await importList(bodyStream(request, deps.config.maxUploadBytes), {
        dataDir: deps.config.dataDir,
        label: query.filename ?? "consolidated.csv",
        allowShrink: query.allowShrink === "true",
        ...(query.maxShrink !== undefined && { maxShrink: Number(query.maxShrink) / 100 }),
        onCommit: (imported) => deps.state.swapScreening(imported),
      });
      deps.logger.log("info", "screening list imported", { hash: dataset.version.hash });
      const rows = Object.values(dataset.version.rowsPerList).reduce((a, b) => a + (b ?? 0), 0);
      return json({ imported: true, version: publicVersion(dataset.version), rows, gaps: dataset.gaps });
    },
  }),
];

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
