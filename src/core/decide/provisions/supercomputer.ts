import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { groupWarnings, statesEndUse } from "./common.js";

/** 15 CFR 744.23(a)(1): a stated supercomputer end use in Macau or D:5, whatever the item. */
export function supercomputerEndUse(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const rule = snap.supercomputerEndUse;
  if (!rule || !statesEndUse(f.t.txn.endUse, rule.end_use_words)) return piece("supercomputer-end-use");
  const warnings = groupWarnings(snap, rule.destinations, [f.t.destination]);
  if (!snap.inSet(rule.destinations, f.t.destination)) return piece("supercomputer-end-use", { warnings });
  return piece("supercomputer-end-use", {
    requirement: {
      code: "SUPERCOMPUTER_END_USE",
      message: `Stated supercomputer end use in ${f.t.destination}: license required for this item.`,
      citation: snap.cite(rule.cite),
    },
    barsExceptions: true,
    warnings,
  });
}
