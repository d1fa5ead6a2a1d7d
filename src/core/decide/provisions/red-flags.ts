import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";

/** Red flags: warnings that call for a closer look, never a requirement by themselves. */
export function redFlags(f: ItemFacts, _snap: LicensingSnapshot): Piece[] {
  const military = (f.t.txn.endUse ?? []).some((u) => /military/i.test(u));
  if (!military) return [];
  return [
    piece("red-flag", {
      warnings: [
        {
          code: "RED_FLAG_MILITARY_END_USE",
          message:
            "A military end use was stated: check the military end-use and end-user controls (15 CFR 744.21) and the Military End-User list.",
        },
      ],
    }),
  ];
}
