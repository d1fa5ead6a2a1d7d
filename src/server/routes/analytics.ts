import { z } from "zod";
import { classify } from "../../core/classify/classify.js";
import { isCountryCode } from "../../core/countries.js";
import type { DecideContext } from "../../core/decide/decide.js";
import { type Frontier, frontier } from "../../core/frontier.js";
import { LIMITS } from "../../core/limits.js";
import type { Condition } from "../../core/rules/schema.js";
import type { Engine } from "../../node/engine.js";
import { engineVersion } from "../../node/package-info.js";
import { type Route, route } from "../route.js";
import { isoDate, modeParam, today } from "./common.js";

const classificationsQuery = z.object({
  date: isoDate.optional().meta({ description: "Date of the rules in force; default today (UTC)." }),
  mode: modeParam.optional(),
});

const countries = z
  .string()
  .max(LIMITS.textLength)
  .transform((s) =>
    s
      .split(",")
      .map((c) => c.trim().toUpperCase())
      .filter((c) => c !== ""),
  )
  .refine((list) => list.length >= 1 && list.length <= LIMITS.frontierCountries, {
    error: `give 1 to ${LIMITS.frontierCountries} country codes`,
  })
  .refine((list) => list.every(isCountryCode), {
    error: "each country must be an ISO 3166-1 alpha-2 code such as CN, AE or MO",
  })
  .meta({ description: "Comma-separated ISO alpha-2 codes, e.g. `CN,AE` (1 to 12).", example: "CN,AE" });

const frontierQuery = z
  .object({
    country: countries,
    from: isoDate.optional().meta({ description: "First day; default 2022-01-01." }),
    to: isoDate.optional().meta({ description: "Last day; default today (UTC)." }),
    mode: modeParam.optional(),
    unreleased: z
      .enum(["exclude", "include"])
      .optional()
      .meta({ description: "include: also list chips before their release year (default exclude)." }),
  })
  .refine((q) => (q.from ?? FRONTIER_FROM) <= (q.to ?? today()), {
    error: "from must not be after to",
    path: ["from"],
  });

const FRONTIER_FROM = "2022-01-01";

function conditionView(c: Condition) {
  const [op, value] =
    c.gte !== undefined
      ? (["gte", c.gte] as const)
      : c.gt !== undefined
        ? (["gt", c.gt] as const)
        : c.lt !== undefined
          ? (["lt", c.lt] as const)
          : c.lte !== undefined
            ? (["lte", c.lte] as const)
            : (["eq", c.eq!] as const);
  return { input: c.input, op, value, unit: c.unit, text: c.text };
}

/** Frontiers are deterministic for an engine and a query: keep the recent ones (a few decide() runs each). */
const frontierCache = new WeakMap<Engine, Map<string, Frontier>>();

function frontierContext(engine: Engine): DecideContext {
  return {
    rules: engine.rules,
    catalog: engine.catalog,
    // frontier() screens nobody (its end user is a placeholder); it replaces this with a no-hit stub.
    screen: (q) => ({ query: q.name, hits: [] }),
    versions: { engine: engineVersion, ruleData: engine.rules.version, screeningData: "not used" },
  };
}

/** Routes the web UI needs beside the resource routes: who am I, the whole catalog on a date, frontiers. */
export const analyticsRoutes: Route[] = [
  route({
    method: "get",
    path: "/v1/me",
    operationId: "getMe",
    summary: "The role and actor of the key this request was made with",
    description:
      "Without keys on loopback the answer is the admin role with `keyId: null` (the server's open local mode).",
    tag: "system",
    access: "viewer",
    ready: false,
    responses: { 200: { description: "`{role, actor, keyId, authMode}`." } },
    handler({ principal, deps }) {
      return {
        role: principal.role,
        actor: principal.actor,
        keyId: principal.keyId,
        authMode: principal.keyId === null ? "open-loopback" : deps.config.authMode,
      };
    },
  }),
  route({
    method: "get",
    path: "/v1/classifications",
    operationId: "classifyCatalog",
    summary: "Every catalog chip classified under the rules in force on a date, with those rules' thresholds",
    description:
      "One call for a chart of the whole catalog: each chip's TPP, performance density and paragraph, and the 3A090 paragraphs (conditions on TPP, performance density and datacenter use) of the version in force.",
    tag: "chips",
    access: "viewer",
    query: classificationsQuery,
    responses: {
      200: {
        description:
          "`{date, mode, ruleVersion, ruleDataVersion, thresholds: {eccn, from, paragraphs, exclusions, citation}, chips}`.",
      },
    },
    handler({ query, data }) {
      const { rules, catalog } = data.engine;
      const date = query.date ?? today();
      const mode = query.mode ?? "as-enforced";
      const version = rules.eccnAt("3A090", date);
      const ruleVersion = rules.ruleVersionAt(date, mode);
      return {
        date,
        mode,
        ruleDataVersion: rules.version,
        ruleVersion: ruleVersion
          ? {
              id: ruleVersion.id,
              title: ruleVersion.title,
              from: ruleVersion.from,
              citation: rules.cite(ruleVersion.cite),
            }
          : null,
        thresholds: version
          ? {
              eccn: "3A090",
              from: version.from,
              // The text the IC paragraphs come from (a later version may keep them and add others).
              citation: rules.cite(
                version.paragraphs.find((p) => p.applies_to === "ic")?.cite ?? version.cite,
              ),
              paragraphs: version.paragraphs
                .filter((p) => p.applies_to === "ic")
                .map((p) => ({
                  id: p.id,
                  title: p.title,
                  all: p.all.map(conditionView),
                  citation: rules.cite(p.cite),
                })),
              exclusions: version.exclusions.map((e) => ({
                id: e.id,
                title: e.title,
                all: e.all.map(conditionView),
              })),
            }
          : null,
        chips: catalog.map((chip) => {
          const c = classify(chip.spec, rules, { asOf: date, mode });
          return {
            id: chip.id,
            vendor: chip.vendor,
            name: chip.name,
            variant: chip.variant,
            releaseYear: chip.releaseYear,
            segment: chip.segment,
            countryOfDesign: chip.countryOfDesign,
            memoryBandwidthGBs: chip.memoryBandwidthGBs,
            computeConfidence: chip.computeConfidence,
            tpp: c.tpp,
            performanceDensity: c.performanceDensity,
            designedForDatacenter: c.designedForDatacenter,
            eccn: c.eccn,
            paragraph: c.paragraph,
            status: c.status,
            undetermined: c.undetermined.map((m) => m.field),
          };
        }),
      };
    },
  }),
  route({
    method: "get",
    path: "/v1/frontier",
    operationId: "getFrontier",
    summary: "What each destination could obtain over time: chips by licensing outcome between rule changes",
    description:
      "For each country, frontier(): for every period between rule changes, the catalog chips exportable without a license, with a license exception, under case-by-case review and so on, beside the chips designed there, under stated best-case assumptions.",
    tag: "analytics",
    access: "viewer",
    query: frontierQuery,
    responses: {
      200: {
        description:
          "`{mode, from, to, ruleDataVersion, frontiers: [{country, steps, events, assumptions}]}`.",
      },
    },
    handler({ query, data }) {
      const engine = data.engine;
      const from = query.from ?? FRONTIER_FROM;
      const to = query.to ?? today();
      const mode = query.mode ?? "as-enforced";
      let cache = frontierCache.get(engine);
      if (!cache) {
        cache = new Map();
        frontierCache.set(engine, cache);
      }
      const ctx = frontierContext(engine);
      const frontiers = [...new Set(query.country)].map((country) => {
        const includeUnreleased = query.unreleased === "include";
        const key = `${country}|${from}|${to}|${mode}|${includeUnreleased}`;
        let f = cache.get(key);
        if (!f) {
          f = frontier(country, { from, to, mode, includeUnreleased }, ctx);
          if (cache.size > 200) cache.clear();
          cache.set(key, f);
        }
        return f;
      });
      return { mode, from, to, ruleDataVersion: engine.rules.version, frontiers };
    },
  }),
];
