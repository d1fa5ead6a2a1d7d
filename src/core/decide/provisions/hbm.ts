import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts } from "../facts.js";
import type { Piece } from "../piece.js";
import { toDestinations } from "./destination.js";

/** 15 CFR 742.6(a)(6)(i)(B): high bandwidth memory (3A090.c) to Macau or D:5. */
export function hbmRule(f: ItemFacts, snap: LicensingSnapshot): Piece {
  return toDestinations("hbm-rule", f, snap, snap.hbmRule, (citation) => ({
    code: "HBM_RULE",
    message: `3A090.c high bandwidth memory to ${f.t.destination} (Macau or D:5): license required.`,
    citation,
  }));
}
