import type { CountrySet } from "../../rules/schema.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts } from "../facts.js";
import { type Piece, type ProvisionId, piece } from "../piece.js";
import type { Requirement } from "../types.js";
import { groupWarnings } from "./common.js";

/** A requirement for items of some classes to the destinations of a set: the shape of 742.6(a)(6). */
export function toDestinations(
  provision: ProvisionId,
  f: ItemFacts,
  snap: LicensingSnapshot,
  rule:
    | { items: readonly string[]; destinations: CountrySet; cite: Parameters<LicensingSnapshot["cite"]>[0] }
    | undefined,
  requirement: (citation: Requirement["citation"]) => Requirement,
): Piece {
  if (!rule || !hasAny(f.classes, rule.items)) return piece(provision);
  const warnings = groupWarnings(snap, rule.destinations, [f.t.destination]);
  if (!snap.inSet(rule.destinations, f.t.destination)) return piece(provision, { warnings });
  return piece(provision, { requirement: requirement(snap.cite(rule.cite)), warnings });
}

/** 15 CFR 742.6(a)(6): a license for the item's destination. */
export function destinationRule(f: ItemFacts, snap: LicensingSnapshot): Piece {
  return toDestinations("destination-rule", f, snap, snap.destinationRule, (citation) => ({
    code: "DESTINATION_RULE",
    message: `${f.classification.paragraph} item to ${f.t.destination}: license required for this destination.`,
    citation,
  }));
}
