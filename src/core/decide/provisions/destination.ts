import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { groupWarnings } from "./common.js";

/** 15 CFR 742.6(a)(6): a license for the item's destination. */
export function destinationRule(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const rule = snap.destinationRule;
  if (!rule || !hasAny(f.classes, rule.items)) return piece("destination-rule");
  const warnings = groupWarnings(snap, rule.destinations, [f.t.destination]);
  if (!snap.inSet(rule.destinations, f.t.destination)) return piece("destination-rule", { warnings });
  return piece("destination-rule", {
    requirement: {
      code: "DESTINATION_RULE",
      message: `${f.classification.paragraph} item to ${f.t.destination}: license required for this destination.`,
      citation: snap.cite(rule.cite),
    },
    warnings,
  });
}
