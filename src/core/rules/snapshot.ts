import { type Citation, type RuleBook, valueAt } from "./rulebook.js";
import type { Cite, CountrySet, Licensing, Mode } from "./schema.js";

type Entry<K extends keyof Licensing> = Licensing[K] extends readonly (infer T)[] ? T : never;
type ExceptionEntry<K extends keyof Licensing["exceptions"]> =
  Licensing["exceptions"][K] extends readonly (infer T)[] ? T : never;
type PolicyEntry<K extends keyof Licensing["review_policy"]> =
  Licensing["review_policy"][K] extends readonly (infer T)[] ? T : never;

/**
 * The licensing rules as they stood on one date in one mode: every dated value resolved to the entry in force
 * (OpenFisca's `parameters(instant)`). Provisions read this, never the raw dated lists, so no provision can
 * mix values of two dates.
 */
export interface LicensingSnapshot {
  readonly rules: RuleBook;
  readonly date: string;
  readonly mode: Mode;
  readonly destinationRule: Entry<"destination_rule"> | undefined;
  readonly headquartersRule: Entry<"headquarters_rule"> | undefined;
  readonly hbmRule: Entry<"hbm_rule"> | undefined;
  readonly uaeCarveOut: Entry<"uae_carve_out"> | undefined;
  readonly worldwideRule: Entry<"worldwide_rule"> | undefined;
  readonly supercomputerEndUse: Entry<"supercomputer_end_use"> | undefined;
  /** Company-specific notices in force (several may be in force side by side). */
  readonly companyNotices: readonly Entry<"company_notices">[];
  readonly exceptions: {
    readonly NAC: ExceptionEntry<"NAC"> | undefined;
    readonly ACA: ExceptionEntry<"ACA"> | undefined;
    readonly HBM: ExceptionEntry<"HBM"> | undefined;
    readonly LPP: ExceptionEntry<"LPP"> | undefined;
    readonly AIA: ExceptionEntry<"AIA"> | undefined;
    readonly excludedItems: readonly string[];
  };
  /** Red flags are not dated: they describe risks whatever the date. */
  readonly redFlags: Licensing["red_flags"];
  readonly affiliatesRule: Entry<"affiliates_rule"> | undefined;
  /** What a match on each restricted-party list means for an export. */
  readonly listMeanings: Licensing["list_meanings"];
  readonly reviewPolicy: {
    readonly destinationRule: PolicyEntry<"destination_rule"> | undefined;
    readonly headquartersRule: PolicyEntry<"headquarters_rule"> | undefined;
    readonly hbmRule: PolicyEntry<"hbm_rule"> | undefined;
    readonly worldwideRule: PolicyEntry<"worldwide_rule"> | undefined;
    readonly supercomputerEndUse: PolicyEntry<"supercomputer_end_use"> | undefined;
    readonly uaeCarveOut: PolicyEntry<"uae_carve_out"> | undefined;
    readonly companyNotices: PolicyEntry<"company_notices"> | undefined;
    readonly envelope2026: PolicyEntry<"envelope_2026"> | undefined;
  };
  /** Whether a country is in a country set on this date. */
  inSet(set: CountrySet, country: string): boolean;
  cite(c: Cite): Citation;
}

function build(rules: RuleBook, date: string, mode: Mode): LicensingSnapshot {
  const L = rules.licensing;
  const at = <T extends { from: string; modes?: readonly Mode[] | undefined }>(list: readonly T[]) =>
    valueAt(list, date, mode);
  const rp = L.review_policy;
  return Object.freeze({
    rules,
    date,
    mode,
    destinationRule: at(L.destination_rule),
    headquartersRule: at(L.headquarters_rule),
    hbmRule: at(L.hbm_rule),
    uaeCarveOut: at(L.uae_carve_out),
    worldwideRule: at(L.worldwide_rule),
    supercomputerEndUse: at(L.supercomputer_end_use),
    companyNotices: L.company_notices.filter(
      (n) => n.from <= date && (n.to === undefined || date < n.to) && (!n.modes || n.modes.includes(mode)),
    ),
    exceptions: Object.freeze({
      NAC: at(L.exceptions.NAC),
      ACA: at(L.exceptions.ACA),
      HBM: at(L.exceptions.HBM),
      LPP: at(L.exceptions.LPP),
      AIA: at(L.exceptions.AIA),
      excludedItems: L.exceptions.excluded_items,
    }),
    redFlags: L.red_flags,
    affiliatesRule: at(L.affiliates_rule),
    listMeanings: L.list_meanings,
    reviewPolicy: Object.freeze({
      destinationRule: at(rp.destination_rule),
      headquartersRule: at(rp.headquarters_rule),
      hbmRule: at(rp.hbm_rule),
      worldwideRule: at(rp.worldwide_rule),
      supercomputerEndUse: at(rp.supercomputer_end_use),
      uaeCarveOut: at(rp.uae_carve_out),
      companyNotices: at(rp.company_notices),
      envelope2026: at(rp.envelope_2026),
    }),
    inSet: (set: CountrySet, country: string) => rules.inSet(set, country, date),
    cite: (c: Cite) => rules.cite(c),
  });
}

// Decisions come in for a few dates at a time; a snapshot is built once per rule book, date and mode.
const SNAPSHOT_LIMIT = 4096;
const snapshots = new WeakMap<RuleBook, Map<string, LicensingSnapshot>>();

/** The licensing rules in force on `date` in `mode`. */
export function licensingAt(rules: RuleBook, date: string, mode: Mode): LicensingSnapshot {
  let byDate = snapshots.get(rules);
  if (!byDate) {
    byDate = new Map();
    snapshots.set(rules, byDate);
  }
  const key = `${date}|${mode}`;
  let snap = byDate.get(key);
  if (!snap) {
    if (byDate.size >= SNAPSHOT_LIMIT) byDate.clear();
    snap = build(rules, date, mode);
    byDate.set(key, snap);
  }
  return snap;
}
