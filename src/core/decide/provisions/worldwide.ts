import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";

/** AI Diffusion rule: a license for .a-level items and 4E091 everywhere (in force only as codified). */
export function worldwideRule(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const rule = snap.worldwideRule;
  if (!rule || !hasAny(f.classes, rule.items) || snap.inSet(rule.except_destinations, f.t.destination))
    return piece("worldwide-rule");
  return piece("worldwide-rule", {
    requirement: {
      code: "WORLDWIDE_RULE",
      message: `${f.classification.paragraph} item: the AI Diffusion rule (as codified) requires a license for every destination.`,
      citation: snap.cite(rule.cite),
    },
  });
}
