import { classify } from "./classify/classify.js";
import type { ItemSpec } from "./classify/spec.js";
import type { RuleBook } from "./rules/rulebook.js";
import type { Mode } from "./rules/schema.js";

export interface HistoryStep {
  from: string;
  to: string | null;
  ruleVersion: string;
  eccn: string | null;
  paragraph: string | null;
  status: "determined" | "undetermined";
  undetermined: string[];
}

/**
 * The item's classification under each rule version of the mode, merging consecutive versions with the same
 * outcome into one step.
 */
export function chipHistory(spec: ItemSpec, rules: RuleBook, mode: Mode): HistoryStep[] {
  const versions = rules.ruleVersions.filter((v) => v.modes.includes(mode));
  const steps: HistoryStep[] = [];
  versions.forEach((v, i) => {
    const c = classify(spec, rules, { asOf: v.from, mode });
    const step: HistoryStep = {
      from: v.from,
      to: versions[i + 1]?.from ?? null,
      ruleVersion: v.id,
      eccn: c.eccn,
      paragraph: c.paragraph,
      status: c.status,
      undetermined: c.undetermined.map((m) => m.field),
    };
    const last = steps[steps.length - 1];
    if (last && last.paragraph === step.paragraph && last.status === step.status) last.to = step.to;
    else steps.push(step);
  });
  return steps;
}
