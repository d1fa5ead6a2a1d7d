import type { Warning } from "../../classify/classify.js";
import { warningsFrom } from "../../reason-codes.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { normalizeName } from "../../screening/index.js";
import { hasAny, type ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";

type CarveOut = NonNullable<LicensingSnapshot["uaeCarveOut"]>;

const words = (name: string) => normalizeName(name)[0]?.tokens ?? [];

/**
 * The approved entity (Supp. No. 8 to part 740) the end user is, when its name is the entity's name; or one
 * whose name it contains, which a person must confirm. Only an exact name clears the requirement.
 */
function approvedEntity(name: string, carveOut: CarveOut, date: string) {
  const party = words(name);
  const inForce = carveOut.approved_entities.entries.filter(
    (e) => (e.from === undefined || e.from <= date) && (e.to === undefined || date < e.to),
  );
  const exact = inForce.find((e) => words(e.name).join(" ") === party.join(" "));
  const resembles = exact
    ? undefined
    : inForce.find((e) => {
        const w = words(e.name);
        return w.length > 0 && w.every((x) => party.includes(x));
      });
  return { exact, resembles };
}

/**
 * 91 FR 43034: a license for advanced computing items to or within the UAE unless the end user is the UAE
 * Government, an approved entity of Supp. No. 8 to part 740, or a US-headquartered AI company or its UAE
 * subsidiary. Its conditions are uncertain and every answer that applies it says so.
 */
export function uaeCarveOut(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const rule = snap.uaeCarveOut;
  if (!rule || !hasAny(f.classes, rule.items) || !snap.inSet(rule.destinations, f.t.destination))
    return piece("uae-carve-out");
  const citation = snap.cite(rule.cite);
  const warnings = warningsFrom("UAE_CARVE_OUT_UNCERTAIN", rule.uncertain, citation);
  const endUser = f.t.txn.endUser;
  if (!endUser) {
    return piece("uae-carve-out", {
      warnings,
      undetermined: [
        {
          field: "endUser",
          message:
            "the UAE license requirement depends on who the end user is (the UAE Government, an approved entity, or a US-headquartered AI company)",
        },
      ],
    });
  }
  const clear = (why: string) =>
    piece("uae-carve-out", {
      reasons: [{ code: "UAE_CARVE_OUT_APPLIES", message: why, citation }],
      warnings,
    });
  const governmentOf = endUser.government === true && endUser.country !== undefined;
  if (governmentOf && snap.inSet(rule.government_of, endUser.country!)) {
    return clear(
      `The end user '${endUser.name}' is the UAE Government: no license is required for it under the UAE carve-out.`,
    );
  }
  const approved = approvedEntity(endUser.name, rule, snap.date);
  if (approved.exact) {
    return clear(
      `The end user '${endUser.name}' is named in Supp. No. 8 to part 740 (approved UAE entity${approved.exact.to ? `, authorization until ${approved.exact.to}` : ""}): no license is required for it under the UAE carve-out.`,
    );
  }
  const hq = endUser.headquarters;
  if (hq !== undefined && snap.inSet(rule.headquartered_in, hq)) {
    return piece("uae-carve-out", {
      reasons: [
        {
          code: "UAE_CARVE_OUT_APPLIES",
          message: `The end user '${endUser.name}' is headquartered (or has its ultimate parent) in ${hq}: a US-headquartered AI company or its UAE subsidiary needs no license under the UAE carve-out.`,
          citation,
        },
      ],
      warnings: [
        ...warnings,
        {
          code: "UAE_CARVE_OUT_UNCERTAIN",
          message: `The carve-out covers US-headquartered AI companies; ChipGate cannot check that '${endUser.name}' or its parent is an AI company.`,
          citation,
        },
      ],
    });
  }
  const listNote = warningsFrom(
    "UAE_CARVE_OUT_UNCERTAIN",
    rule.approved_entities.complete ? [] : [rule.approved_entities.note],
    citation,
  );
  const resembles: Warning[] = approved.resembles
    ? [
        {
          code: "UAE_APPROVED_ENTITY_NAME",
          message: `'${endUser.name}' contains the name of the approved entity ${approved.resembles.name} (Supp. No. 8 to part 740) but is not that name: confirm whether it is the approved entity before relying on the carve-out.`,
          citation: snap.cite(approved.resembles.cite),
        },
      ]
    : [];
  const missing =
    hq === undefined
      ? [
          {
            field: "endUser.headquarters",
            message:
              "a US-headquartered AI company or its UAE subsidiary needs no license under the UAE carve-out",
          },
        ]
      : [];
  return piece("uae-carve-out", {
    requirement: {
      code: "UAE_CARVE_OUT",
      message: `${f.classification.paragraph} item to the UAE on or after ${rule.from}: the end user '${endUser.name}' is not shown to be the UAE Government, an approved entity of Supp. No. 8 to part 740, or a US-headquartered AI company or its UAE subsidiary, so a license is still required.`,
      citation,
    },
    warnings: [...warnings, ...listNote, ...resembles],
    undetermined: missing,
  });
}
