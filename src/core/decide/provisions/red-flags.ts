import type { Warning } from "../../classify/classify.js";
import { type ReasonCode, warningsFrom } from "../../reason-codes.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts, icCount, type TransactionFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { statesEndUse } from "./common.js";

const flag = (
  code: ReasonCode,
  message: string,
  cite: Parameters<LicensingSnapshot["cite"]>[0],
  snap: LicensingSnapshot,
  uncertain: readonly string[] = [],
): Warning[] => {
  const citation = snap.cite(cite);
  return [{ code, message, citation }, ...warningsFrom("UNCERTAIN_RULE_DATA", uncertain, citation)];
};

/** A stated military end use: check 15 CFR 744.21 and the Military End-User list. */
export function militaryEndUse(f: ItemFacts, snap: LicensingSnapshot): Piece | undefined {
  const rf = snap.redFlags.military_end_use;
  if (!statesEndUse(f.t.txn.endUse, rf.end_use_words)) return undefined;
  return piece("red-flag", {
    warnings: flag(
      "RED_FLAG_MILITARY_END_USE",
      "A military end use was stated: check the military end-use and end-user controls (15 CFR 744.21) and the Military End-User list.",
      rf.cite,
      snap,
      rf.uncertain,
    ),
  });
}

/** No end user named for an advanced computing item: BIS expects exporters to know who will use it. */
export function endUserUnknown(f: ItemFacts, snap: LicensingSnapshot): Piece | undefined {
  const rf = snap.redFlags.end_user_unknown;
  if (f.t.txn.endUser || !hasAny(f.classes, rf.items)) return undefined;
  return piece("red-flag", {
    warnings: flag(
      "RED_FLAG_END_USER_UNKNOWN",
      `No end user is named for this ${f.classification.paragraph} item: know who will use advanced computing ICs before they ship (a red flag, not a requirement).`,
      rf.cite,
      snap,
      rf.uncertain,
    ),
  });
}

/** Red flags of one item: warnings that call for a closer look, never a requirement by themselves. */
export function redFlags(f: ItemFacts, snap: LicensingSnapshot): Piece[] {
  return [militaryEndUse(f, snap), endUserUnknown(f, snap)].filter((p): p is Piece => p !== undefined);
}

/** Red flags of the whole transaction: where it goes, through whom, how much, and who owns the parties. */
export function transactionRedFlags(
  t: TransactionFacts,
  snap: LicensingSnapshot,
  items: readonly ItemFacts[],
): Warning[] {
  const warnings: Warning[] = [];
  const aliases = snap.rules.destinationAliases;
  const at = (country: string | undefined) =>
    country === undefined ? undefined : (aliases[country]?.as ?? country);
  const consignee = t.txn.consignee;
  const consigneeCountry = at(consignee?.country);
  const elsewhere = snap.redFlags.consignee_elsewhere;
  if (consignee && consigneeCountry !== undefined && consigneeCountry !== t.destination) {
    warnings.push(
      ...flag(
        "RED_FLAG_CONSIGNEE_ELSEWHERE",
        `The consignee '${consignee.name}' is in ${consignee.country}, not in the destination ${t.destination}: make sure the items reach the stated destination and end user (a diversion red flag).`,
        elsewhere.cite,
        snap,
        elsewhere.uncertain,
      ),
    );
  }
  const hub = snap.redFlags.transshipment_hub;
  const units = items.filter((f) => hasAny(f.classes, hub.items)).reduce((n, f) => n + icCount(f.item), 0);
  const hubs = [t.destination, consigneeCountry].filter(
    (c, i, all): c is string => c !== undefined && all.indexOf(c) === i && snap.inSet(hub.hubs, c),
  );
  if (units >= hub.ic_units_gte && hubs.length) {
    warnings.push(
      ...flag(
        "RED_FLAG_TRANSSHIPMENT_HUB",
        `${units} ${hub.items.join("/")} ICs ${hubs.includes(t.destination) ? `to ${t.destination}` : "for this destination"}${consigneeCountry && hubs.includes(consigneeCountry) ? ` through a consignee in ${consigneeCountry}` : ""}, a known transshipment hub for advanced ICs, at or above ${hub.ic_units_gte}: verify the end user and the final destination (a red flag, not a requirement).`,
        hub.cite,
        snap,
        hub.uncertain,
      ),
    );
  }
  const rule = snap.affiliatesRule;
  if (rule?.in_force && rule.ownership_unknown_red_flag) {
    for (const p of t.parties.parties) {
      const where = at(p.party.country ?? p.party.headquarters);
      const unknown =
        p.party.ownershipKnown === false || (p.party.ownershipKnown === undefined && !p.party.owners);
      if (!unknown || where === undefined || !snap.inSet(rule.ownership_unknown_red_flag, where)) continue;
      warnings.push(
        ...flag(
          "RED_FLAG_OWNERSHIP_UNKNOWN",
          `Who owns ${p.path} '${p.party.name}' (in ${where}) is not known: under the Affiliates Rule an entity 50 % or more owned by listed parties is restricted like them. Declare its owners (owners: [{ name, country, sharePercent }]) or state ownershipKnown: true.`,
          rule.cite,
          snap,
        ),
      );
    }
  }
  return warnings;
}
