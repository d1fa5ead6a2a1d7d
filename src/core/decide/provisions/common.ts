import type { Warning } from "../../classify/classify.js";
import { verificationStatus } from "../../rules/rulebook.js";
import type { CountrySet } from "../../rules/schema.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts } from "../facts.js";
import type { Missing } from "../piece.js";

/**
 * Warnings for the Country Groups not verified against the eCFR whose membership of one of these countries
 * decides whether it is in the set (none for a country whose answer no single group's membership changes).
 */
export function groupWarnings(
  snap: LicensingSnapshot,
  set: CountrySet,
  countries: readonly string[],
): Warning[] {
  return countries.flatMap((country) =>
    snap.rules.decidingGroups(set, country, snap.date).map((g) => ({
      code: "UNVERIFIED_COUNTRY_GROUP",
      message: `Whether ${country} is in Country Group ${g.name} decides this answer; ${g.name} membership: ${verificationStatus(g)} (${g.verification_note})${g.least_certain?.includes(country) ? ` ${g.least_certain_note ?? `${country} is among its least certain members.`}` : ""}`,
      citation: snap.cite(g.cite),
    })),
  );
}

/** Whether a party (end user or consignee) is headquartered in the set. */
export function headquarteredIn(f: ItemFacts, snap: LicensingSnapshot, set: CountrySet): boolean {
  return f.t.headquarters.some((h) => snap.inSet(set, h));
}

/** The headquarters fields still missing, and the end user when no party was named, each with why it matters. */
export function needHeadquarters(f: ItemFacts, why: string): Missing[] {
  const missing: Missing[] = f.t.parties.missingHeadquarters.map((field) => ({ field, message: why }));
  if (!f.t.txn.endUser && !f.t.txn.consignee) missing.push({ field: "endUser", message: why });
  return missing;
}

/** Whether a stated end use contains one of the words (any letter case). */
export function statesEndUse(endUses: readonly string[] | undefined, words: readonly string[]): boolean {
  return (endUses ?? []).some((u) => {
    const lower = u.toLowerCase();
    return words.some((w) => lower.includes(w));
  });
}
