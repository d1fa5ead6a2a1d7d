import { formatNumber } from "../../classify/classify.js";
import { warningsFrom } from "../../reason-codes.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts, icCount } from "../facts.js";
import { type Piece, piece } from "../piece.js";
import { exporterOf } from "../transaction.js";
import type { Requirement } from "../types.js";
import { groupWarnings, headquarteredIn, needHeadquarters } from "./common.js";

/** Which requirements reached the item, as the exception and review-policy provisions need to know. */
export interface Required {
  destination: boolean;
  headquarters: boolean;
  hbm: boolean;
  uae: boolean;
  worldwide: boolean;
  endUse: boolean;
  notice: boolean;
  /** A Part 744 requirement (listed party, end use, notice) that no license exception overcomes. */
  barred: boolean;
  any: boolean;
}

const noException = (message: string, citation: Requirement["citation"]): Requirement => ({
  code: "NO_EXCEPTION",
  message,
  citation,
});

/** 15 CFR 740.25: License Exception HBM for 3A090.c below the density limit. */
export function hbmException(f: ItemFacts, snap: LicensingSnapshot): Piece | undefined {
  const hbm = snap.exceptions.HBM;
  if (!hbm || !hasAny(f.classes, hbm.items)) return undefined;
  const citation = snap.cite(hbm.cite);
  const density = f.classification.memoryBandwidthDensity ?? Number.POSITIVE_INFINITY;
  if (density >= hbm.memory_bandwidth_density_lt) {
    return piece("license-exception", {
      reasons: [
        noException(
          `License Exception HBM is limited to memory bandwidth density below ${hbm.memory_bandwidth_density_lt} GB/s/mm2.`,
          citation,
        ),
      ],
    });
  }
  const uncertain = warningsFrom("UNCERTAIN_RULE_DATA", hbm.uncertain, citation);
  const exporter = exporterOf(f.t.txn);
  if (hbm.exporter_headquarters) {
    if (exporter?.headquarters === undefined) {
      return piece("license-exception", {
        undetermined: [
          {
            field: exporter ? "exporter.headquarters" : "exporter",
            message:
              "License Exception HBM needs the exporter headquartered in the US or an A:5 country, with no ultimate parent in D:5 or Macau: give the exporter as { name, headquarters }",
          },
        ],
      });
    }
    const hq = f.t.ctx.rules.destinationAliases[exporter.headquarters]?.as ?? exporter.headquarters;
    if (!snap.inSet(hbm.exporter_headquarters, hq)) {
      return piece("license-exception", {
        reasons: [
          noException(
            `License Exception HBM needs the exporter headquartered in the US or an A:5 country and not in D:5 or Macau; '${exporter.name}' is headquartered in ${exporter.headquarters}.`,
            citation,
          ),
        ],
        warnings: groupWarnings(snap, hbm.exporter_headquarters, [hq]),
      });
    }
  }
  return piece("license-exception", {
    exception: {
      name: "HBM",
      notificationDays: 0,
      reason: `memory bandwidth density below ${hbm.memory_bandwidth_density_lt} GB/s/mm2${hbm.exporter_headquarters ? `, and the exporter is headquartered in ${exporter!.headquarters}` : ""}`,
      citation,
    },
    warnings: uncertain,
  });
}

/** 15 CFR 740.8: License Exceptions NAC (notified) and ACA (no notification). */
export function nacOrAca(f: ItemFacts, snap: LicensingSnapshot, required: Required): Piece {
  const { NAC: nac, ACA: aca } = snap.exceptions;
  const fallback = snap.cite((nac ?? aca ?? snap.destinationRule)!.cite);
  if (hasAny(f.classes, snap.exceptions.excludedItems)) {
    return piece("license-exception", {
      reasons: [
        noException(
          "NAC and ACA are never available for 3A090.a items designed or marketed for datacenters.",
          fallback,
        ),
      ],
    });
  }
  const isA = f.classes.has("3A090.a") || f.classes.has("3A090.a-contained");
  if (isA && (f.classification.contained ?? f.classification).designedForDatacenter === null) {
    return piece("license-exception", {
      undetermined: [
        {
          field: `items.${f.index}.datacenter`,
          message: "whether the item is designed or marketed for datacenters decides NAC/ACA eligibility",
        },
      ],
    });
  }
  const destination = f.t.destination;
  const hqRule = snap.headquartersRule;
  const aliases = f.t.ctx.rules.destinationAliases;
  const from = aliases[f.t.txn.exportedFrom]?.as ?? f.t.txn.exportedFrom;
  if (
    aca?.in_country_transfers &&
    from === destination &&
    snap.inSet(aca.in_country_transfers, destination)
  ) {
    return piece("license-exception", {
      exception: {
        name: "ACA",
        notificationDays: aca.notification_days,
        reason: `an in-country transfer within ${destination} (Macau or D:5); a written purchase order is required`,
        citation: snap.cite(aca.cite),
      },
      warnings: groupWarnings(snap, aca.in_country_transfers, [destination]),
    });
  }
  if (aca && snap.inSet(aca.destinations, destination)) {
    const missing = needHeadquarters(
      f,
      "License Exception ACA is not available when a party is headquartered in D:5 or Macau",
    );
    if (missing.length) return piece("license-exception", { undetermined: missing });
  }
  if (aca && snap.inSet(aca.destinations, destination)) {
    const missing = needHeadquarters(
      f,
      "License Exception ACA is not available when a party is headquartered in D:5 or Macau",
    );
    if (missing.length) return piece("license-exception", { undetermined: missing });
  }
  const acaFits =
    aca &&
    snap.inSet(aca.destinations, destination) &&
    !headquarteredIn(f, snap, hqRule?.headquarters ?? {}) &&
    !required.headquarters;
  if (acaFits) {
    return piece("license-exception", {
      exception: {
        name: "ACA",
        notificationDays: aca.notification_days,
        reason: `destination ${destination} is in D:1/D:4 but not Macau or D:5, and no party is headquartered in D:5 or Macau; a written purchase order is required`,
        citation: snap.cite(aca.cite),
      },
      warnings: [
        ...groupWarnings(snap, aca.destinations, [destination]),
        ...(hqRule ? groupWarnings(snap, hqRule.headquarters, f.t.headquarters) : []),
      ],
    });
  }
  const nacFits =
    nac &&
    (snap.inSet(nac.destinations, destination) ||
      (nac.headquarters !== undefined && headquarteredIn(f, snap, nac.headquarters))) &&
    (!required.headquarters || nac.overcomes_headquarters_rule);
  if (nacFits) {
    return piece("license-exception", {
      exception: {
        name: "NAC",
        notificationDays: nac.notification_days,
        reason: `file a notification at least ${nac.notification_days} days before export; usable only if BIS does not tell the exporter a license is required`,
        citation: snap.cite(nac.cite),
      },
      warnings: [
        ...groupWarnings(snap, nac.destinations, [destination]),
        ...(nac.headquarters ? groupWarnings(snap, nac.headquarters, f.t.headquarters) : []),
      ],
    });
  }
  return piece("license-exception", {
    reasons: [
      noException(
        required.headquarters && nac && !nac.overcomes_headquarters_rule
          ? "No license exception overcomes the headquarters requirement in the version of the rule in force."
          : "Neither NAC nor ACA covers this destination and these parties on this date.",
        snap.cite((nac ?? snap.destinationRule ?? hqRule)!.cite),
      ),
    ],
  });
}

/** AI Diffusion (as codified): License Exceptions AIA (Tier 1) and LPP (a yearly TPP budget per consignee). */
export function aiaOrLpp(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const { AIA: aia, LPP: lpp } = snap.exceptions;
  const destination = f.t.destination;
  const tpp = f.classification.tpp;
  const totalTpp = (tpp ?? 0) * icCount(f.item);
  if (aia && snap.inSet(aia.destinations, destination)) {
    return piece("license-exception", {
      exception: {
        name: "AIA",
        notificationDays: 0,
        reason: `${destination} is in paragraph (a) of Supp. No. 5 to part 740 (Tier 1)`,
        citation: snap.cite(aia.cite),
      },
    });
  }
  if (
    lpp &&
    !snap.inSet(lpp.not_destinations, destination) &&
    tpp !== null &&
    totalTpp <= lpp.tpp_per_consignee_per_year
  ) {
    const citation = snap.cite(lpp.cite);
    return piece("license-exception", {
      exception: {
        name: "LPP",
        notificationDays: 0,
        reason: `this shipment's ${formatNumber(totalTpp)} TPP is within the ${formatNumber(lpp.tpp_per_consignee_per_year)} TPP per consignee per calendar year (count earlier shipments to the same consignee)`,
        citation,
      },
      warnings: warningsFrom("UNCERTAIN_RULE_DATA", lpp.uncertain, citation),
    });
  }
  return piece("license-exception", {
    reasons: [
      noException(
        `No AIA (${destination} is not Tier 1) and no LPP for this shipment.`,
        snap.cite(snap.worldwideRule!.cite),
      ),
    ],
  });
}

/** The license exception that may authorize the item without a license, or why none does. */
export function licenseExceptions(f: ItemFacts, snap: LicensingSnapshot, required: Required): Piece[] {
  if (!required.any || required.barred) return [];
  const hbm = hbmException(f, snap);
  if (hbm) return [hbm];
  if (required.destination || required.headquarters) return [nacOrAca(f, snap, required)];
  if (required.worldwide) return [aiaOrLpp(f, snap)];
  if (required.uae) {
    return [
      piece("license-exception", {
        reasons: [
          noException(
            "ChipGate offers no license exception against the UAE-specific requirement: whether NAC or ACA still apply to the UAE is not known (reference §14.6 question 18).",
            snap.cite(snap.uaeCarveOut!.cite),
          ),
        ],
      }),
    ];
  }
  return [];
}
