import type { Warning } from "../../classify/classify.js";
import { formatNumber } from "../../classify/classify.js";
import { warningsFrom } from "../../reason-codes.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ScreenedOwner, ScreenedParty } from "../facts.js";
import { policyRank, strictest } from "../fold.js";
import { type Piece, piece } from "../piece.js";
import { meaningOf, meaningWarnings, type RecordMeaning, recordCitation } from "./list-meaning.js";

/** An owner's match on a list the Affiliates Rule extends (Entity List, MEU), with what it means. */
interface ListedOwner {
  owner: ScreenedOwner;
  meaning: RecordMeaning;
  match: ScreenedOwner["matches"][number];
}

function listedOwners(owners: readonly ScreenedOwner[], snap: LicensingSnapshot): ListedOwner[] {
  return owners.flatMap((owner) => {
    const found = owner.matches
      .map((match) => ({ owner, match, meaning: meaningOf(match, snap) }))
      .filter((x) => x.meaning.affiliates && x.meaning.effect === "requirement");
    // One owner counts once, under its most restrictive entry.
    const best = found.sort((a, b) => policyRank(b.meaning.policy) - policyRank(a.meaning.policy))[0];
    return best ? [best] : [];
  });
}

const pct = (n: number) => `${formatNumber(n)} %`;

/**
 * The Affiliates Rule (90 FR 47201; stayed 2025-11-10 to 2026-11-09): a party owned 50 % or more, directly or
 * indirectly, individually or in the aggregate, by parties on the lists it extends takes their most
 * restrictive license requirement and review policy, whether or not it is listed itself.
 */
export function affiliatesRule(snap: LicensingSnapshot, p: ScreenedParty): Piece {
  const rule = snap.affiliatesRule;
  if (!rule || p.owners.length === 0) return piece("affiliates-rule");
  const citation = snap.cite(rule.cite);
  const listed = listedOwners(p.owners, snap);
  const share = listed.reduce((sum, l) => sum + l.owner.owner.sharePercent, 0);
  const possible = p.owners.filter(
    (o) =>
      !listed.some((l) => l.owner === o) &&
      o.reviews.some((m) => {
        const meaning = meaningOf(m, snap);
        return meaning.affiliates && meaning.effect === "requirement";
      }),
  );
  const possibleShare = possible.reduce((sum, o) => sum + o.owner.sharePercent, 0);
  const declared = p.owners.reduce((sum, o) => sum + o.owner.sharePercent, 0);
  const warnings: Warning[] =
    declared > 100
      ? [
          {
            code: "OWNERSHIP_OVER_100",
            message: `The shares declared for ${p.path} '${p.party.name}' add up to ${pct(declared)}: check that no holding is counted twice (an owner and, again, through another owner).`,
          },
        ]
      : [];
  const names = listed
    .map(
      (l) =>
        `'${l.owner.owner.name}' ${pct(l.owner.owner.sharePercent)} (${l.match.hit.list} ${l.match.hit.id} ${l.match.hit.name})`,
    )
    .join("; ");
  if (!rule.in_force) {
    if (!listed.length) return piece("affiliates-rule", { warnings });
    return piece("affiliates-rule", {
      reasons: [
        {
          code: "AFFILIATES_RULE_STAYED",
          message: `${p.path} '${p.party.name}': listed owners hold ${pct(share)} (${names}), but the Affiliates Rule is stayed on ${snap.date} (until 2026-11-09).`,
          citation,
        },
      ],
      warnings,
    });
  }
  const threshold = rule.ownership_percent_gte!;
  const extension = warningsFrom("AFFILIATES_RULE_EXTENSION_UNVERIFIED", rule.uncertain, citation);
  if (share >= threshold) {
    const strictestOwner = listed.reduce((a, b) =>
      policyRank(b.meaning.policy) > policyRank(a.meaning.policy) ? b : a,
    );
    return piece("affiliates-rule", {
      requirement: {
        code: "AFFILIATES_RULE",
        message: `${p.path} '${p.party.name}' is ${pct(share)} owned by listed parties (${names}), at or above ${pct(threshold)}: it takes their most restrictive requirement (${strictestOwner.meaning.requirement}) and review policy, whether or not it is listed itself.`,
        citation,
      },
      barsExceptions: true,
      policy: {
        source: "Affiliates Rule",
        policy: strictest(listed.map((l) => l.meaning.policy)),
        citation: recordCitation(strictestOwner.match),
        why: `the most restrictive policy of its listed owners (${listed.map((l) => `${l.match.hit.list} ${l.match.hit.id}: ${l.meaning.policy ?? "none stated"}`).join("; ")})`,
      },
      warnings: [...warnings, ...extension, ...listed.flatMap((l) => meaningWarnings(l.meaning, snap))],
    });
  }
  if (share + possibleShare >= threshold) {
    return piece("affiliates-rule", {
      undetermined: possible.map((o) => ({
        field: `parties.${o.path}`,
        message: `possible listed owner '${o.owner.name}' (${pct(o.owner.sharePercent)}) would bring listed ownership of '${p.party.name}' to ${pct(share + possibleShare)}, at or above ${pct(threshold)}: a person must resolve the match`,
      })),
      warnings: [...warnings, ...extension],
    });
  }
  if (!listed.length) return piece("affiliates-rule", { warnings });
  return piece("affiliates-rule", {
    reasons: [
      {
        code: "AFFILIATES_BELOW_THRESHOLD",
        message: `${p.path} '${p.party.name}': listed owners hold ${pct(share)} (${names}), below ${pct(threshold)}, so the Affiliates Rule does not extend their restrictions to it.`,
        citation,
      },
    ],
    warnings: [...warnings, ...extension],
  });
}

export function affiliates(snap: LicensingSnapshot, parties: readonly ScreenedParty[]): Piece[] {
  return parties.map((p) => affiliatesRule(snap, p));
}
