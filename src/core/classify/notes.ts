import type { RuleBook } from "../rules/rulebook.js";
import type { Mode } from "../rules/schema.js";
import type { Reason } from "./classify.js";

/** Something a classification says beside the ECCN: it does not change the ECCN. */
export type Note = Pick<Reason, "code" | "message" | "citation">;

/** Company-specific "is informed" notices naming this catalog chip, in force on the date. */
export function companyNoticeNotes(chipId: string, rules: RuleBook, asOf: string, mode: Mode): Note[] {
  return rules.licensing.company_notices
    .filter(
      (n) =>
        n.chips.includes(chipId) &&
        n.from <= asOf &&
        (n.to === undefined || asOf < n.to) &&
        (!n.modes || n.modes.includes(mode)),
    )
    .map((n) => {
      const where = [
        ...(n.destinations.countries ?? []),
        ...(n.destinations.groups ?? []).map((g) => `Country Group ${g}`),
      ];
      return {
        code: "COMPANY_NOTICE_NOTE",
        message: `USG "is informed" notice ${n.id} to ${n.exporters.join(", ")} (from ${n.from}): a license is required when ${n.exporters.join(" or ")} exports ${chipId} to ${where.join(", ")} or to parties headquartered there. It is a company-specific notice, not a rule, and does not change the ECCN.`,
        citation: rules.cite(n.cite),
      };
    });
}

/** Said of an item outside the ECCNs ChipGate knows: it is not thereby uncontrolled. */
export function outsideScopeNote(rules: RuleBook, asOf: string): Note {
  return {
    code: "OUTSIDE_SCOPE",
    message: `Not 3A090/4A090/4E091 on ${asOf}: the item may still be EAR99 or classified under another ECCN (for example 3A001, 4A003, 5A002 or 5A992) outside ChipGate's scope; check the Commerce Control List.`,
    citation: rules.cite(rules.technicalNotesCite),
  };
}
