import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { groupWarnings } from "./common.js";

/** 15 CFR 742.6(a)(6)(i)(B): high bandwidth memory (3A090.c) to Macau or D:5. */
export function hbmRule(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const rule = snap.hbmRule;
  if (!rule || !hasAny(f.classes, rule.items)) return piece("hbm-rule");
  const warnings = groupWarnings(snap, rule.destinations, [f.t.destination]);
  if (!snap.inSet(rule.destinations, f.t.destination)) return piece("hbm-rule", { warnings });
  return piece("hbm-rule", {
    requirement: {
      code: "HBM_RULE",
      message: `3A090.c high bandwidth memory to ${f.t.destination} (Macau or D:5): license required.`,
      citation: snap.cite(rule.cite),
    },
    warnings,
  });
}
