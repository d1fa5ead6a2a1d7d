import type { z } from "zod";
import type { Warning } from "../classify/classify.js";
import { assertNoIssues } from "../errors.js";
import { currencyWarning } from "../rules/currency.js";
import type { Mode } from "../rules/schema.js";
import { type LicensingSnapshot, licensingAt } from "../rules/snapshot.js";
import type { DecideContext, DecideOptions } from "./context.js";
import { type ItemFacts, itemFacts, type PartyFacts, screenParties, transactionFacts } from "./facts.js";
import { foldItem, outcomeOf } from "./fold.js";
import { affiliates } from "./provisions/affiliates.js";
import { companyNotices } from "./provisions/company-notices.js";
import { destinationRule } from "./provisions/destination.js";
import { licenseExceptions, type Required } from "./provisions/exceptions.js";
import { hbmRule } from "./provisions/hbm.js";
import { headquartersRule } from "./provisions/headquarters.js";
import { listedParties } from "./provisions/listed-parties.js";
import { redFlags, transactionRedFlags } from "./provisions/red-flags.js";
import { reviewPolicies } from "./provisions/review-policy.js";
import { supercomputerEndUse } from "./provisions/supercomputer.js";
import { uaeCarveOut } from "./provisions/uae.js";
import { worldwideRule } from "./provisions/worldwide.js";
import { type Transaction, transaction as transactionSchema } from "./transaction.js";
import type { Decision, ItemDecision, Requirement } from "./types.js";

export { type DecideContext, type DecideOptions, DISCLAIMER } from "./context.js";

import { DISCLAIMER } from "./context.js";

/** Every provision applied to one item, folded into its decision. */
function decideItem(f: ItemFacts, snap: LicensingSnapshot, groupsWarned: Set<string>): ItemDecision {
  const parties = f.t.parties.parties;
  const destination = destinationRule(f, snap);
  const headquarters = headquartersRule(f, snap, destination.requirement !== undefined);
  const hbm = hbmRule(f, snap);
  const uae = uaeCarveOut(f, snap);
  const worldwide = worldwideRule(f, snap);
  const endUse = supercomputerEndUse(f, snap);
  const notices = companyNotices(f, snap);
  const listed = [...listedParties(f, snap, parties), ...affiliates(snap, parties)];
  const requirementPieces = [destination, headquarters, hbm, uae, worldwide, endUse, ...notices, ...listed];
  const required: Required = {
    destination: destination.requirement !== undefined,
    headquarters: headquarters.requirement !== undefined,
    hbm: hbm.requirement !== undefined,
    uae: uae.requirement !== undefined,
    worldwide: worldwide.requirement !== undefined,
    endUse: endUse.requirement !== undefined,
    notice: notices.some((p) => p.requirement),
    barred: requirementPieces.some((p) => p.barsExceptions),
    any: requirementPieces.some((p) => p.requirement),
  };
  return foldItem(
    f,
    snap,
    [
      destination,
      headquarters,
      hbm,
      uae,
      worldwide,
      endUse,
      ...redFlags(f, snap),
      ...notices,
      ...licenseExceptions(f, snap, required),
      ...reviewPolicies(f, snap, required),
      ...listed,
    ],
    groupsWarned,
  );
}

/** Possible matches a person must resolve, for the parties and their owners. */
function screeningReviews(parties: PartyFacts): Warning[] {
  const named = [
    ...parties.parties.map((p) => ({ path: p.path, name: p.party.name, reviews: p.reviews })),
    ...parties.parties.flatMap((p) =>
      p.owners.map((o) => ({ path: o.path, name: o.owner.name, reviews: o.reviews })),
    ),
  ];
  return named
    .filter((p) => p.reviews.length > 0)
    .map((p) => ({
      code: "SCREENING_REVIEW",
      message: `'${p.name}' (${p.path}) is a possible match for ${p.reviews.map((m) => `${m.hit.name} [${m.hit.list} ${m.hit.id}]`).join("; ")}: a person must resolve it.`,
    }));
}

function decideOnce(
  txn: Transaction,
  ctx: DecideContext,
  parties: PartyFacts,
  asOf: string,
  mode: Mode,
): Decision {
  const snap = licensingAt(ctx.rules, asOf, mode);
  const t = transactionFacts(txn, ctx, parties);
  const reasons: Requirement[] = [];
  if (t.alias) {
    reasons.push({
      code: "DESTINATION_ALIAS",
      message: `Destination ${txn.destination} is treated as ${t.destination} for these controls.`,
      citation: snap.cite(t.alias.cite),
    });
  }
  const groupsWarned = new Set<string>();
  const facts = txn.items.map((raw, index) => itemFacts(t, raw, index, asOf, mode));
  const items = facts.map((f) => decideItem(f, snap, groupsWarned));
  const outcome = outcomeOf(items);
  const warnings = [...screeningReviews(parties), ...transactionRedFlags(t, snap, facts)];
  const stale = currencyWarning(ctx.rules, asOf);
  if (stale) warnings.push(stale);
  const note = ctx.rules.destinationNotes[t.destination];
  if (note) warnings.push({ code: "DESTINATION_NOTE", message: note.text, citation: snap.cite(note.cite) });
  const missing: Decision["missing"] = [];
  for (const item of items)
    for (const u of item.undetermined) if (!missing.some((m) => m.field === u.field)) missing.push(u);
  if (outcome === "license-required" && missing.length) {
    warnings.push({
      code: "OPEN_QUESTIONS",
      message: `A license is required whatever the answers to the open questions (${missing.map((m) => m.field).join(", ")}); they may still change the license exception and the review policy.`,
    });
  }
  const rv = ctx.rules.ruleVersionAt(asOf, mode);
  return {
    outcome,
    asOf,
    mode,
    ruleVersion: rv ? { id: rv.id, title: rv.title, from: rv.from } : null,
    destination: t.destination,
    destinationAsEntered: txn.destination,
    exportedFrom: txn.exportedFrom,
    items,
    parties: parties.screenings,
    warnings,
    reasons,
    missing,
    otherMode: { mode, outcome, differs: false, differences: [] },
    versions: ctx.versions,
    disclaimer: DISCLAIMER,
  };
}

/**
 * One input error, path and message. Of a union (a name or an object) the alternative that got furthest
 * speaks: `exporter.role` rather than "invalid input".
 */
function namedIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  let i = issue;
  while (i.code === "invalid_union" && i.errors.length > 0) {
    const best = [...i.errors].sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0))[0]!;
    if (!best[0]) break;
    i = { ...best[0], path: [...i.path, ...best[0].path] } as z.core.$ZodIssue;
  }
  const message = i.code === "unrecognized_keys" ? `unknown field(s): ${i.keys.join(", ")}` : i.message;
  return { path: i.path.join(".") || "(transaction)", message };
}

/**
 * Decides whether a transaction may go without a license, with a license exception, or needs a license, on
 * the transaction's date, with every requirement, exception and review policy cited. Parties are screened.
 * A known requirement decides "license-required" even when something else is open; otherwise a missing input
 * that matters makes the outcome "undetermined". Either way every open input is named in `missing`.
 */
export function decide(raw: unknown, ctx: DecideContext, options: DecideOptions): Decision {
  let txn = options.validated;
  if (!txn) {
    const parsed = transactionSchema.safeParse(raw);
    if (!parsed.success) {
      assertNoIssues(parsed.error.issues.map(namedIssue), "transaction");
    }
    txn = parsed.data!;
  }
  const asOf = txn.date ?? options.asOf;
  const mode = txn.mode ?? options.mode ?? "as-enforced";
  const parties = screenParties(txn, ctx);
  const result = decideOnce(txn, ctx, parties, asOf, mode);
  const otherMode: Mode = mode === "as-enforced" ? "as-codified" : "as-enforced";
  // Before any rule data differs by mode, the other mode's answer is this one.
  const other = asOf < ctx.rules.modesDivergeFrom ? result : decideOnce(txn, ctx, parties, asOf, otherMode);
  const differences: string[] = [];
  if (other.outcome !== result.outcome)
    differences.push(`outcome: ${result.outcome} here, ${other.outcome} in ${otherMode}`);
  result.items.forEach((item, i) => {
    const o = other.items[i]!;
    for (const key of ["eccn", "licenseRequired", "exception", "reviewPolicy"] as const) {
      if (item[key] !== o[key])
        differences.push(`items.${i}.${key}: ${String(item[key])} here, ${String(o[key])} in ${otherMode}`);
    }
  });
  result.otherMode = {
    mode: otherMode,
    outcome: other.outcome,
    differs: differences.length > 0,
    differences,
  };
  if (differences.length) {
    result.warnings.push({
      code: "MODE_DIVERGENCE",
      message: `The ${otherMode} reading gives a different answer (${differences.join("; ")}). After 2025-05-15 the codified AI Diffusion text and the enforced policy diverge.`,
    });
  }
  return result;
}
