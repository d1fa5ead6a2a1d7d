import type { AuditRecord } from "../core/audit/types.js";
import { type DecideContext, decide } from "../core/decide/decide.js";
import type { Decision } from "../core/decide/types.js";
import { screenName } from "../core/screening/index.js";
import type { AuditStore } from "../store/audit-store.js";
import type { Engine } from "./engine.js";
import { engineVersion } from "./package-info.js";
import type { ScreeningDataset } from "./screening/index.js";

export interface DecisionService {
  /**
   * Validates and decides a transaction, appends the decision to the audit trail, and resolves only once the
   * record is durable. Invalid input throws INVALID_INPUT and writes nothing.
   */
  decide(
    raw: unknown,
    options: { actor: string },
  ): Promise<{ decision: Decision; auditId: string; record: AuditRecord }>;
}

export interface DecisionServiceDeps {
  engine: Engine;
  /** The screening dataset in use now (it may be replaced by an import while the service runs). */
  screening: () => ScreeningDataset;
  store: AuditStore;
  /** Today's date, the default export date (UTC). */
  today?: () => string;
}

export function createDecisionService(deps: DecisionServiceDeps): DecisionService {
  const today = deps.today ?? (() => new Date().toISOString().slice(0, 10));
  return {
    async decide(raw, { actor }) {
      const dataset = deps.screening();
      const ctx: DecideContext = {
        rules: deps.engine.rules,
        catalog: deps.engine.catalog,
        screen: (query) => screenName(dataset.index, query),
        versions: {
          engine: engineVersion,
          ruleData: deps.engine.rules.version,
          screeningData: `csl-sha256:${dataset.version.hash.slice(0, 16)}`,
        },
      };
      const decision = decide(raw, ctx, { asOf: today() });
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
  };
}
