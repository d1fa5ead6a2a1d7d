import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { groupWarnings, headquarteredIn, needHeadquarters } from "./common.js";

/**
 * 15 CFR 744.23(a)(3)(i): a license for an entity headquartered (or with its ultimate parent) in D:5 or Macau,
 * wherever the item goes. Where the destination rule already requires one, it is the destination rule's
 * application that is reviewed, so this provision adds no second requirement.
 */
export function headquartersRule(f: ItemFacts, snap: LicensingSnapshot, destinationRequired: boolean): Piece {
  const rule = snap.headquartersRule;
  if (!rule || !hasAny(f.classes, rule.items)) return piece("headquarters-rule");
  // Where the destination rule already requires a license, its application is the one reviewed.
  if (destinationRequired) return piece("headquarters-rule");
  const warnings = groupWarnings(snap, rule.headquarters, f.t.headquarters);
  const undetermined = needHeadquarters(
    f,
    `whether a party is headquartered in D:5 or Macau decides the headquarters rule for a ${f.classification.paragraph} item to ${f.t.destination}`,
  );
  if (!headquarteredIn(f, snap, rule.headquarters))
    return piece("headquarters-rule", { warnings, undetermined });
  const where = f.t.headquarters.filter((h) => snap.inSet(rule.headquarters, h)).join(", ");
  return piece("headquarters-rule", {
    requirement: {
      code: "HEADQUARTERS_RULE",
      message: `A party is headquartered (or has its ultimate parent) in ${where} (D:5 or Macau): license required wherever the item goes.`,
      citation: snap.cite(rule.cite),
    },
    warnings,
    undetermined,
  });
}
