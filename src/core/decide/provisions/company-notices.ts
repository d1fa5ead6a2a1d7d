import { formatNumber } from "../../classify/classify.js";
import { warningsFrom } from "../../reason-codes.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ItemFacts } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { exporterOf } from "../transaction.js";
import { headquarteredIn, needHeadquarters } from "./common.js";

type Notice = LicensingSnapshot["companyNotices"][number];

/**
 * A company-specific "is informed" notice (not a rule): it binds the exporter it was addressed to, for the
 * chips it names, to its destinations and to parties headquartered there.
 */
export function companyNotice(f: ItemFacts, snap: LicensingSnapshot, notice: Notice): Piece {
  const { txn, destination } = f.t;
  const reaches =
    snap.inSet(notice.destinations, destination) || headquarteredIn(f, snap, notice.headquarters);
  const named = f.item.chip !== undefined && notice.chips.includes(f.item.chip.id);
  if (!reaches) {
    // The notice also reaches parties headquartered in its countries, wherever the item goes.
    const missing = named
      ? needHeadquarters(f, `notice ${notice.id} reaches parties headquartered in its countries`)
      : [];
    return piece("company-notice", { undetermined: missing });
  }
  const citation = snap.cite(notice.cite);
  const uncertain = warningsFrom("UNCERTAIN_RULE_DATA", notice.uncertain, citation);
  const chip = f.item.chip;
  if (chip && named) {
    const exporter = exporterOf(txn)?.name;
    if (exporter === undefined) {
      return piece("company-notice", {
        undetermined: [
          {
            field: "exporter",
            message: `notice ${notice.id} binds ${notice.exporters.join(", ")}; name the exporter`,
          },
        ],
        warnings: uncertain,
      });
    }
    const named = notice.exporters.some((e) => new RegExp(`\\b${e}\\b`, "i").test(exporter));
    if (!named) {
      return piece("company-notice", {
        warnings: [
          {
            code: "COMPANY_NOTICE_OTHER_EXPORTER",
            message: `Notice ${notice.id} was addressed to ${notice.exporters.join(", ")}; whether it binds ${exporter} is unclear.`,
            citation,
          },
          ...uncertain,
        ],
      });
    }
    return piece("company-notice", {
      requirement: {
        code: "COMPANY_NOTICE",
        message: `USG "is informed" notice ${notice.id} to ${notice.exporters.join(", ")}: license required for ${chip.id} to ${destination} or to parties headquartered there (a notice, not a rule).`,
        citation,
      },
      barsExceptions: true,
      warnings: [
        ...warningsFrom("LICENSING_PRACTICE", notice.practice_note ? [notice.practice_note] : [], citation),
        ...uncertain,
      ],
    });
  }
  // The notices also reach ICs matching the named chips' memory bandwidth; no threshold was published.
  const spec = f.item.spec;
  if (f.classes.size > 0 || spec.kind === "hbm" || spec.kind === "weights") return piece("company-notice");
  const bandwidth = (spec.kind === "system" ? spec.chip : spec).memoryBandwidthGBs;
  const reference = f.t.ctx.catalog
    .filter((c) => notice.chips.includes(c.id))
    .map((c) => c.memoryBandwidthGBs ?? Number.POSITIVE_INFINITY);
  if (bandwidth === undefined || !reference.length || bandwidth < Math.min(...reference))
    return piece("company-notice");
  return piece("company-notice", {
    warnings: [
      {
        code: "RED_FLAG_NOTICE_SCOPE",
        message: `Memory bandwidth ${formatNumber(bandwidth)} GB/s reaches that of ${notice.chips.join(", ")}; notice ${notice.id} also covers ICs achieving it (no numeric threshold was published).`,
        citation,
      },
    ],
  });
}

export function companyNotices(f: ItemFacts, snap: LicensingSnapshot): Piece[] {
  return snap.companyNotices.map((n) => companyNotice(f, snap, n));
}
