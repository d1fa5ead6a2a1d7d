import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts, ListedMatch } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import type { Requirement, ReviewPolicy } from "../types.js";

function policyFromListText(text: string): ReviewPolicy | null {
  const t = text.toLowerCase();
  if (t.includes("presumption of denial")) return "presumption-of-denial";
  if (t.includes("policy of denial")) return "policy-of-denial";
  if (t.includes("case-by-case") || t.includes("case by case")) return "case-by-case";
  if (t.includes("presumption of approval")) return "presumption-of-approval";
  return null;
}

/** The citation of the listed record a party matched. */
function recordCitation(m: ListedMatch): Requirement["citation"] {
  return {
    source: "csl",
    text: `Consolidated Screening List, ${m.hit.list} entry ${m.hit.id}`,
    pinpoint: m.hit.id,
    evidence: "S",
    url: "https://www.trade.gov/consolidated-screening-list",
  };
}

/** A party matching a listed record: a license is required whatever the item. */
export function listedParty(_f: ItemFacts, _snap: LicensingSnapshot, m: ListedMatch): Piece {
  const requirement = m.record.license_requirement;
  const policy = m.record.license_policy;
  const citation = recordCitation(m);
  return piece("listed-party", {
    requirement: {
      code: "LISTED_PARTY",
      message: `${m.role} matches ${m.hit.name} (${m.hit.list}, id ${m.hit.id}, score ${m.hit.score.toFixed(2)}). License requirement: ${requirement || "(not stated)"}. License policy: ${policy || "(not stated)"}.`,
      citation,
    },
    barsExceptions: true,
    policy: {
      source: `${m.hit.list} entry ${m.hit.id}`,
      policy: policyFromListText(policy),
      citation,
      why: policy || "license policy not stated on the list entry",
    },
  });
}

export function listedParties(f: ItemFacts, snap: LicensingSnapshot): Piece[] {
  const pieces = f.t.parties.listedMatches.map((m) => listedParty(f, snap, m));
  for (const r of f.t.parties.reviewHits) {
    pieces.push(
      piece("listed-party", {
        undetermined: [
          {
            field: `parties.${r.role}`,
            message: `possible restricted-party match for '${r.name}' needs a person's review before the shipment can be decided`,
          },
        ],
      }),
    );
  }
  return pieces;
}
