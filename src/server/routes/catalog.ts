import { z } from "zod";
import { findChip, searchCatalog } from "../../core/catalog/catalog.js";
import { classify } from "../../core/classify/classify.js";
import { type ItemSpec, itemSpec, parseItemSpec } from "../../core/classify/spec.js";
import { ChipGateError } from "../../core/errors.js";
import { chipHistory } from "../../core/history.js";
import { LIMITS } from "../../core/limits.js";
import { currencyWarning } from "../../core/rules/currency.js";
import { verificationStatus } from "../../core/rules/rulebook.js";
import { zodIssues } from "../errors.js";
import { jsonText, type Route, route } from "../route.js";
import { idParams, intParam, isoDate, modeParam, today } from "./common.js";

const classifyBody = z
  .strictObject({
    chip: z.string().min(1).optional().meta({ description: "Catalog chip id (GET /v1/chips)." }),
    spec: itemSpec.optional().meta({ description: "An item spec, when the chip is not in the catalog." }),
    date: isoDate.optional().meta({ description: "Date of the export; default today (UTC)." }),
    mode: modeParam.optional(),
    tf32Bits: z.number().int().optional().meta({ description: "Bit length counted for TF32: 32 or 19." }),
  })
  .refine((b) => (b.chip === undefined) !== (b.spec === undefined), {
    error: "give exactly one of chip or spec",
    path: ["chip"],
  })
  .meta({ example: { chip: "nvidia-h20", date: "2024-06-01" } });

const chipsQuery = z.object({
  search: z
    .string()
    .max(LIMITS.textLength)
    .optional()
    .meta({ description: "Words that must all appear in id or name." }),
  limit: intParam(1, LIMITS.recordsPerPage).optional(),
  offset: intParam(0, 1_000_000).optional(),
});

const historyQuery = z.object({ mode: modeParam.optional() });
const groupsQuery = z.object({
  date: isoDate.optional().meta({ description: "Members in force on this date (changes applied)." }),
});
const timelineQuery = z.object({ mode: modeParam.optional() });

// Rules and catalog do not change while a server runs, so the answer for a catalog chip on a date is computed
// and serialized once (a bounded cache per rule book).
const CACHE_LIMIT = 20_000;
const classified = new WeakMap<object, Map<string, string>>();
function classifiedCatalogChips(rules: object): Map<string, string> {
  let cache = classified.get(rules);
  if (!cache) {
    cache = new Map();
    classified.set(rules, cache);
  }
  return cache;
}
function remember(cache: Map<string, string>, key: string, text: string): void {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, text);
}

/** The catalog chip a path names; an unknown id is reported at `path.id`, where the caller gave it. */
function chipAtPath(catalog: Parameters<typeof findChip>[0], id: string) {
  try {
    return findChip(catalog, id);
  } catch (error) {
    if (!(error instanceof ChipGateError)) throw error;
    throw new ChipGateError(
      error.code,
      error.message,
      error.issues.map((i) => ({ ...i, path: "path.id" })),
    );
  }
}

export const catalogRoutes: Route[] = [
  route({
    method: "post",
    path: "/v1/classify",
    operationId: "classify",
    summary: "Classify a catalog chip or an item spec under the rules in force on a date",
    tag: "classify",
    access: "analyst",
    body: classifyBody,
    bodyIssues(raw, issues) {
      // The spec union reports one issue per alternative; the kind-directed parse names the real field.
      const spec = (raw as { spec?: unknown } | null)?.spec;
      if (spec === undefined || !issues.some((i) => i.path.startsWith("spec"))) return issues;
      const parsed = parseItemSpec(spec);
      if (parsed.success) return issues;
      return [...issues.filter((i) => !i.path.startsWith("spec")), ...zodIssues(parsed.error.issues, "spec")];
    },
    responses: { 200: { description: "The classification with its reasons, citations and warnings." } },
    handler({ body, data }) {
      const { rules, catalog } = data.engine;
      let spec: ItemSpec;
      let chipId: string | null = null;
      if (body.chip !== undefined) {
        const chip = findChip(catalog, body.chip);
        spec = chip.spec;
        chipId = chip.id;
      } else {
        spec = body.spec as ItemSpec;
      }
      const allowed = [rules.bitLength.tf32!, rules.tf32AlternativeBitLength];
      if (body.tf32Bits !== undefined && !allowed.includes(body.tf32Bits)) {
        throw new ChipGateError("INVALID_INPUT", `tf32Bits: accepted: ${allowed.join(", ")}`, [
          { path: "tf32Bits", message: `accepted: ${allowed.join(", ")}` },
        ]);
      }
      const asOf = body.date ?? today();
      const mode = body.mode ?? "as-enforced";
      const key = chipId === null ? undefined : `${chipId}|${asOf}|${mode}|${body.tf32Bits ?? ""}`;
      const cached = key === undefined ? undefined : classifiedCatalogChips(rules).get(key);
      if (cached !== undefined) return jsonText(cached);
      const result = classify(spec, rules, {
        asOf,
        mode,
        ...(chipId !== null && { chipId }),
        ...(body.tf32Bits !== undefined && { tf32BitLength: body.tf32Bits }),
      });
      const text = JSON.stringify({ chip: chipId, ruleDataVersion: rules.version, ...result });
      if (key !== undefined) remember(classifiedCatalogChips(rules), key, text);
      return jsonText(text);
    },
  }),
  route({
    method: "get",
    path: "/v1/chips",
    operationId: "listChips",
    summary: "List or search the chip catalog",
    tag: "chips",
    access: "viewer",
    query: chipsQuery,
    responses: { 200: { description: "`{chips, total, limit, offset}`; `total` counts all matches." } },
    handler({ query, data }) {
      const { catalog } = data.engine;
      const matches = query.search ? searchCatalog(catalog, query.search) : catalog;
      const limit = query.limit ?? 100;
      const offset = query.offset ?? 0;
      return { chips: matches.slice(offset, offset + limit), total: matches.length, limit, offset };
    },
  }),
  route({
    method: "get",
    path: "/v1/chips/{id}",
    operationId: "getChip",
    summary: "One catalog chip: its spec and where each figure comes from",
    tag: "chips",
    access: "viewer",
    params: idParams,
    responses: { 200: { description: "The chip." }, 404: { description: "No chip with this id." } },
    handler({ params, data }) {
      return chipAtPath(data.engine.catalog, params.id);
    },
  }),
  route({
    method: "get",
    path: "/v1/chips/{id}/history",
    operationId: "getChipHistory",
    summary: "A chip's classification under every rule version of a mode",
    tag: "chips",
    access: "viewer",
    params: idParams,
    query: historyQuery,
    responses: {
      200: { description: "`{chip, mode, ruleDataVersion, verifiedThrough, warnings, history}`." },
    },
    handler({ params, query, data }) {
      const { rules, catalog } = data.engine;
      const chip = chipAtPath(catalog, params.id);
      const mode = query.mode ?? "as-enforced";
      const stale = currencyWarning(rules, today());
      return {
        chip: chip.id,
        mode,
        ruleDataVersion: rules.version,
        verifiedThrough: rules.verifiedThrough,
        warnings: stale ? [stale] : [],
        history: chipHistory(chip.spec, rules, mode, chip.id),
      };
    },
  }),
  route({
    method: "get",
    path: "/v1/rules/versions",
    operationId: "listRuleVersions",
    summary: "The rule versions of the advanced-computing controls, with the modes each counts in",
    tag: "rules",
    access: "viewer",
    responses: { 200: { description: "`{ruleDataVersion, lastReviewed, verifiedThrough, versions}`." } },
    handler({ data }) {
      const { rules } = data.engine;
      return {
        ruleDataVersion: rules.version,
        lastReviewed: rules.lastReviewed,
        verifiedThrough: rules.verifiedThrough,
        versions: rules.ruleVersions.map((v) => ({
          id: v.id,
          from: v.from,
          title: v.title,
          changes: v.changes,
          modes: v.modes,
          citation: rules.cite(v.cite),
        })),
      };
    },
  }),
  route({
    method: "get",
    path: "/v1/rules/timeline",
    operationId: "getRuleTimeline",
    summary: "The rule versions of one mode as consecutive periods (from, to)",
    tag: "rules",
    access: "viewer",
    query: timelineQuery,
    responses: {
      200: { description: "`{mode, periods}`; the last period has `to: null` (still in force)." },
    },
    handler({ query, data }) {
      const { rules } = data.engine;
      const mode = query.mode ?? "as-enforced";
      const versions = rules.ruleVersions.filter((v) => v.modes.includes(mode));
      const stale = currencyWarning(rules, today());
      return {
        mode,
        ruleDataVersion: rules.version,
        verifiedThrough: rules.verifiedThrough,
        warnings: stale ? [stale] : [],
        periods: versions.map((v, i) => ({
          from: v.from,
          to: versions[i + 1]?.from ?? null,
          id: v.id,
          title: v.title,
          changes: v.changes,
          citation: rules.cite(v.cite),
        })),
      };
    },
  }),
  route({
    method: "get",
    path: "/v1/rules/country-groups",
    operationId: "listCountryGroups",
    summary: "Country groups with their members and verification status",
    description:
      "Groups marked `unverified` were compiled from secondary sources; outputs that use them say so.",
    tag: "rules",
    access: "viewer",
    query: groupsQuery,
    responses: { 200: { description: "`{ruleDataVersion, date, groups}`." } },
    handler({ query, data }) {
      const { rules } = data.engine;
      return {
        ruleDataVersion: rules.version,
        date: query.date ?? null,
        groups: Object.values(rules.groups).map((g) => ({
          name: g.name,
          title: g.title,
          verification: g.verification,
          verificationStatus: verificationStatus(g),
          verificationNote: g.verification_note,
          leastCertain: g.least_certain ?? [],
          members: query.date ? [...rules.groupMembersAt(g.name, query.date)].sort() : g.members,
          changes: (g.changes ?? []).map((c) => ({
            country: c.country,
            from: c.from,
            to: c.to ?? null,
            citation: rules.cite(c.cite),
          })),
          citation: rules.cite(g.cite),
        })),
      };
    },
  }),
];
