import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { statesEndUse } from "./common.js";

/** A stated military end use: check 15 CFR 744.21 and the Military End-User list. */
export function militaryEndUse(f: ItemFacts, snap: LicensingSnapshot): Piece | undefined {
  const flag = snap.redFlags.militaryEndUse;
  if (!flag || !statesEndUse(f.t.txn.endUse, flag.end_use_words)) return undefined;
  const citation = snap.cite(flag.cite);
  return piece("red-flag", {
    warnings: [
      {
        code: "RED_FLAG_MILITARY_END_USE",
        message:
          "A military end use was stated: check the military end-use and end-user controls (15 CFR 744.21) and the Military End-User list.",
        citation,
      },
      ...(flag.uncertain ?? []).map((message) => ({ code: "UNCERTAIN_RULE_DATA", message, citation })),
    ],
  });
}

/** Red flags: warnings that call for a closer look, never a requirement by themselves. */
export function redFlags(f: ItemFacts, snap: LicensingSnapshot): Piece[] {
  return [militaryEndUse(f, snap)].filter((p): p is Piece => p !== undefined);
}
