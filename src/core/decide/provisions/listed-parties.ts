import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts, ListedMatch, ScreenedParty } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { meaningOf, meaningWarnings, recordCitation } from "./list-meaning.js";

const score = (m: ListedMatch) => m.hit.score.toFixed(2);

/**
 * A party matching a listed record. What follows depends on the list (list_meanings): a license requirement
 * with no license exception (Entity List, MEU, DPL, OFAC designations the EAR reaches), a red flag (Unverified
 * List, nonproliferation sanctions), or a warning only (CMIC and other lists that are not export controls).
 */
export function listedParty(snap: LicensingSnapshot, m: ListedMatch): Piece {
  const meaning = meaningOf(m, snap);
  const citation = recordCitation(m);
  const who = `${m.path} '${m.name}' matches ${m.hit.name} (${meaning.title}, ${m.hit.list} ${m.hit.id}, score ${score(m)})`;
  const warnings = meaningWarnings(meaning, snap);
  if (meaning.effect === "requirement") {
    const stated = m.record.license_policy;
    return piece("listed-party", {
      requirement: {
        code: "LISTED_PARTY",
        message: `${who}. License requirement: ${meaning.requirement}. License policy: ${stated || `${meaning.policy ?? "(not stated)"} (list default; the entry states none)`}.`,
        citation,
      },
      barsExceptions: true,
      policy: {
        source: `${m.hit.list} entry ${m.hit.id}`,
        policy: meaning.policy,
        citation,
        why: stated || `the entry states no policy; ${meaning.title} default`,
      },
      warnings,
    });
  }
  return piece("listed-party", {
    barsExceptions: meaning.barsExceptions,
    warnings: [
      {
        code: meaning.effect === "red-flag" ? "RED_FLAG_LISTED_PARTY" : "NON_EXPORT_LIST",
        message: `${who}: ${meaning.message}.`,
        citation,
      },
      ...warnings,
    ],
  });
}

/**
 * A possible match a person must resolve: it leaves the answer open only when the list could require a
 * license or bar an exception; a possible match on a list that is not an export control is a warning.
 */
export function possiblyListed(snap: LicensingSnapshot, m: ListedMatch): Piece {
  const meaning = meaningOf(m, snap);
  if (meaning.effect === "warning") {
    return piece("listed-party", {
      warnings: [
        {
          code: "NON_EXPORT_LIST",
          message: `${m.path} '${m.name}' may be ${m.hit.name} (${meaning.title}, ${m.hit.list} ${m.hit.id}, score ${score(m)}): ${meaning.message}.`,
          citation: recordCitation(m),
        },
      ],
    });
  }
  return piece("listed-party", {
    undetermined: [
      {
        field: `parties.${m.path}`,
        message: `possible restricted-party match for '${m.name}' (${m.hit.list} ${m.hit.id} ${m.hit.name}) needs a person's review before the shipment can be decided`,
      },
    ],
  });
}

export function listedParties(
  _f: ItemFacts,
  snap: LicensingSnapshot,
  parties: readonly ScreenedParty[],
): Piece[] {
  return parties.flatMap((p) => [
    ...p.matches.map((m) => listedParty(snap, m)),
    ...p.reviews.map((m) => possiblyListed(snap, m)),
  ]);
}
