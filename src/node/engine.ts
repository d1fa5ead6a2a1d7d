import type { CatalogChip } from "../core/catalog/catalog.js";
import type { RuleBook } from "../core/rules/rulebook.js";
import { loadCatalog } from "./catalog-loader.js";
import { loadRuleBook } from "./rules-loader.js";

/** The bundled rule data and chip catalog, loaded once per process. */
export interface Engine {
  rules: RuleBook;
  catalog: CatalogChip[];
}

let cached: Engine | undefined;

export function loadEngine(): Engine {
  cached ??= { rules: loadRuleBook(), catalog: loadCatalog() };
  return cached;
}
