import type { Warning } from "../classify/classify.js";
import type { RuleBook } from "./rulebook.js";

/**
 * The warning every answer for a date after the rule data's verified-through date carries: rules published
 * since were not looked for (reference §14.7).
 */
export function currencyWarning(rules: RuleBook, date: string): Warning | undefined {
  if (date <= rules.verifiedThrough) return undefined;
  return {
    code: "RULES_VERIFIED_THROUGH",
    message: `Rule data was checked against sources through ${rules.verifiedThrough}; rules may have changed since.`,
  };
}
