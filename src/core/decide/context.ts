import type { CatalogChip } from "../catalog/catalog.js";
import type { RuleBook } from "../rules/rulebook.js";
import type { Mode } from "../rules/schema.js";
import type { ScreeningQuery, ScreeningResult } from "../screening/index.js";
import type { Transaction } from "./transaction.js";

export interface DecideContext {
  rules: RuleBook;
  catalog: readonly CatalogChip[];
  /** Screens one party name against the restricted-party lists (pure, from a loaded index). */
  screen: (query: ScreeningQuery) => ScreeningResult;
  versions: { engine: string; ruleData: string; screeningData: string };
}

export interface DecideOptions {
  /** Date of the export; the transaction's own `date` wins when given. */
  asOf: string;
  mode?: Mode;
  /**
   * The transaction already parsed from `raw` with the `transaction` schema (the HTTP router validates the body
   * with it); `decide` then does not parse it again.
   */
  validated?: Transaction;
}

export const DISCLAIMER = "ChipGate is a decision-support tool, not legal advice.";
