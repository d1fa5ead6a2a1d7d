import { canonicalText } from "../core/audit/canonical.js";
import type { AuditRecord, Placement } from "../core/audit/types.js";
import { type CatalogChip, findChip } from "../core/catalog/catalog.js";
import { type DecideContext, decide } from "../core/decide/decide.js";
import { type Transaction, transaction } from "../core/decide/transaction.js";
import type { Decision } from "../core/decide/types.js";
import { ChipGateError, type Issue } from "../core/errors.js";
import { deepFreeze } from "../core/freeze.js";
import { invalidInput, zodIssues } from "../core/issues.js";
import { type ScreeningQuery, type ScreeningResult, screenName } from "../core/screening/index.js";
import type { AuditStore } from "../store/audit-store.js";
import type { Engine } from "./engine.js";
import { engineVersion } from "./package-info.js";
import { ScreenCache, type ScreeningDataset } from "./screening/index.js";

type DecideOptions = { actor: string; validated?: Transaction };

export interface DecisionService {
  /**
   * Validates and decides a transaction, appends the decision to the audit trail, and resolves only once the
   * record is durable. Invalid input throws INVALID_INPUT and writes nothing.
   */
  decide(
    raw: unknown,
    options: DecideOptions,
  ): Promise<{ decision: Decision; auditId: string; record: AuditRecord }>;
  /**
   * As `decide`, giving the decision as the canonical JSON text the trail stored, for answers that are JSON
   * anyway: the record is not copied or serialized again.
   */
  decideToJson(raw: unknown, options: DecideOptions): Promise<DecisionJson>;
}

export interface DecisionJson {
  outcome: string;
  /** The decision as canonical JSON. */
  json: string;
  placement: Placement;
}

export interface DecisionServiceDeps {
  engine: Engine;
  /** The screening dataset in use now (it may be replaced by an import while the service runs). */
  screening: () => ScreeningDataset;
  store: AuditStore;
  /** Today's date, the default export date (UTC). */
  today?: () => string;
  /** Party screenings kept per list for customers that recur (default 10,000; 0 = none). */
  screenCacheSize?: number;
}

/**
 * Parses a transaction as the HTTP router does (the same schema, the same issue paths and message), so the
 * CLI and the API say the same thing about the same bad input.
 */
export function validateTransaction(raw: unknown): Transaction {
  const parsed = transaction.safeParse(raw);
  if (!parsed.success) throw invalidInput(zodIssues(parsed.error.issues, ""));
  return parsed.data;
}

/**
 * Refuses chip ids the catalog does not hold, at the field that holds them (`items.0.chip`,
 * `items.0.system.chip`), before anything is decided.
 */
export function checkCatalogIds(txn: Transaction, catalog: readonly CatalogChip[]): void {
  const issues: Issue[] = [];
  const check = (id: string, path: string) => {
    try {
      findChip(catalog, id);
    } catch (error) {
      if (!(error instanceof ChipGateError)) throw error;
      issues.push({ path, message: error.message });
    }
  };
  txn.items.forEach((item, i) => {
    if ("chip" in item) check(item.chip, `items.${i}.chip`);
    else if ("system" in item && typeof item.system.chip === "string")
      check(item.system.chip, `items.${i}.system.chip`);
  });
  if (issues.length > 0) throw invalidInput(issues);
}

export function createDecisionService(deps: DecisionServiceDeps): DecisionService {
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));
  const caches = new WeakMap<ScreeningDataset, ScreenCache>();
  const screenCached = (dataset: ScreeningDataset, query: ScreeningQuery): ScreeningResult => {
    let cache = caches.get(dataset);
    if (!cache) {
      cache = new ScreenCache(deps.screenCacheSize ?? 10_000);
      caches.set(dataset, cache);
    }
    const key = cache.key(query.name, query.country, query.address);
    let result = cache.get(key) as ScreeningResult | undefined;
    if (!result) {
      result = screenName(dataset.index, query);
      // Shared by the decisions of every repeat of this party, and frozen so canonical JSON encodes it once.
      for (const hit of result.hits) deepFreeze(hit.explanation);
      cache.set(key, result);
    }
    return result;
  };
  const decideNow = (raw: unknown, given: Transaction | undefined): Decision => {
    const validated = given ?? validateTransaction(raw);
    checkCatalogIds(validated, deps.engine.catalog);
    const dataset = deps.screening();
    const ctx: DecideContext = {
      rules: deps.engine.rules,
      catalog: deps.engine.catalog,
      screen: (query) => screenCached(dataset, query),
      versions: {
        engine: engineVersion,
        ruleData: deps.engine.rules.version,
        // The native names applied to the list change screening answers too, so the record names both.
        screeningData: `csl-sha256:${dataset.version.hash.slice(0, 16)}${dataset.version.enrichment ? `;enrichment-sha256:${dataset.version.enrichment.hash.slice(0, 16)}` : ""}`,
      },
    };
    return decide(raw, ctx, { asOf: today(), validated });
  };
  return {
    async decide(raw, { actor, validated }) {
      const decision = decideNow(raw, validated);
      const record = await deps.store.append({
        kind: "decision",
        actor,
        input: raw,
        output: decision,
        outcome: decision.outcome,
        versions: decision.versions,
      });
      return { decision, auditId: record.id, record };
    },

    async decideToJson(raw, { actor, validated }) {
      const decision = decideNow(raw, validated);
      const output = canonicalText(decision);
      const placement = await deps.store.appendEncoded({
        kind: "decision",
        actor,
        input: canonicalText(raw),
        output,
        outcome: decision.outcome,
        versions: decision.versions,
      });
      return { outcome: decision.outcome, json: output.text, placement };
    },
  };
}
