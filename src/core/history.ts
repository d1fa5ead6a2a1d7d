import { classify } from "./classify/classify.js";
import { companyNoticeNotes } from "./classify/notes.js";
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
  /** Company-specific notices naming the chip in force from this step's start (not classifications). */
  notes: string[];
}

/**
 * The item's classification under each rule version of the mode, merging consecutive versions with the same
 * outcome (and the same company-specific notices) into one step. `chipId` names a catalog chip, whose
 * company-specific notices are shown as notes.
 */
export function chipHistory(spec: ItemSpec, rules: RuleBook, mode: Mode, chipId?: string): HistoryStep[] {
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
      notes: chipId ? companyNoticeNotes(chipId, rules, v.from, mode).map((n) => n.message) : [],
    };
    const last = steps[steps.length - 1];
    const same =
      last &&
      last.paragraph === step.paragraph &&
      last.status === step.status &&
      last.notes.join("\n") === step.notes.join("\n");
    if (same) last.to = step.to;
    else steps.push(step);
  });
  return steps;
}
