import { type CatalogChip, findChip } from "../catalog/catalog.js";
import { type Classification, classify } from "../classify/classify.js";
import type { IcSpec, ItemSpec } from "../classify/spec.js";
import { assertNoIssues } from "../errors.js";
import { deepFreeze } from "../freeze.js";
import type { RuleBook } from "../rules/rulebook.js";
import type { Cite, Mode } from "../rules/schema.js";
import { bestBand } from "../screening/band.js";
import type { ScreeningHit } from "../screening/index.js";
import type { DecideContext } from "./context.js";
import type { Transaction, TransactionItem } from "./transaction.js";
import type { PartyScreening } from "./types.js";

/** An item of the transaction with its spec looked up in the catalog when it names a chip. */
export interface ResolvedItem {
  spec: ItemSpec;
  description: string;
  quantity: number;
  chip?: CatalogChip;
}

export function resolveItem(
  item: TransactionItem,
  index: number,
  catalog: readonly CatalogChip[],
): ResolvedItem {
  const path = `items.${index}`;
  const withPath = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      const e = error as Error;
      assertNoIssues([{ path: `${path}.chip`, message: e.message }], "transaction");
      throw error;
    }
  };
  if ("chip" in item) {
    const chip = withPath(() => findChip(catalog, item.chip));
    return { spec: chip.spec, description: `${chip.spec.name} (${chip.id})`, quantity: item.quantity, chip };
  }
  if ("system" in item) {
    const s = item.system;
    const chip = typeof s.chip === "string" ? withPath(() => findChip(catalog, s.chip as string)) : undefined;
    const inner: IcSpec = chip ? chip.spec : (s.chip as IcSpec);
    const spec: ItemSpec = {
      kind: "system",
      chip: inner,
      count: s.count,
      ...(s.name !== undefined && { name: s.name }),
      ...(s.otherwiseEccn !== undefined && { otherwiseEccn: s.otherwiseEccn }),
    };
    const description = `${s.name ?? "system"} with ${s.count} x ${chip ? chip.id : (inner.name ?? "IC")}`;
    return { spec, description, quantity: item.quantity, ...(chip && { chip }) };
  }
  const spec = item.spec;
  return { spec, description: spec.name ?? `${spec.kind ?? "ic"} spec`, quantity: item.quantity };
}

// Catalog specs are shared objects, so batch runs classify each chip once per date and mode. Classifications
// are read, never mutated, by decide.
const classifications = new WeakMap<object, Map<string, Classification>>();
export function classifyCached(spec: ItemSpec, rules: RuleBook, asOf: string, mode: Mode): Classification {
  let byKey = classifications.get(spec);
  if (!byKey) {
    byKey = new Map();
    classifications.set(spec, byKey);
  }
  const key = `${rules.version}|${asOf}|${mode}`;
  let c = byKey.get(key);
  if (!c) {
    c = deepFreeze(classify(spec, rules, { asOf, mode }));
    byKey.set(key, c);
  }
  return c;
}

/** Item classes used by licensing.yaml: paragraph prefixes, "z", and "datacenter-3A090.a". */
export function itemClasses(c: Classification): Set<string> {
  const classes = new Set<string>();
  const p = c.paragraph;
  if (!p) return classes;
  if (p.endsWith(".z")) classes.add("z");
  for (const k of ["3A090.a", "3A090.b", "3A090.c", "4A090.a", "4A090.b", "4E091"])
    if (p.startsWith(k)) classes.add(k);
  const chip = c.contained ?? c;
  if (chip.paragraph?.startsWith("3A090.a") && chip.designedForDatacenter === true)
    classes.add("datacenter-3A090.a");
  if (c.contained?.paragraph?.startsWith("3A090.a")) classes.add("3A090.a-contained");
  return classes;
}

export const hasAny = (classes: ReadonlySet<string>, items: readonly string[]) =>
  items.some((i) => classes.has(i));

/** A party's match on a restricted-party list, with the listed record it matched. */
export interface ListedMatch {
  role: string;
  hit: PartyScreening["hits"][number];
  record: ScreeningHit["record"];
}

export interface PartyFacts {
  screenings: PartyScreening[];
  /** Headquarters given for the parties, as entered. */
  headquarters: string[];
  missingHeadquarters: string[];
  listedMatches: ListedMatch[];
  reviewHits: PartyScreening[];
}

export function screenParties(txn: Transaction, ctx: DecideContext): PartyFacts {
  const facts: PartyFacts = {
    screenings: [],
    headquarters: [],
    missingHeadquarters: [],
    listedMatches: [],
    reviewHits: [],
  };
  for (const role of ["endUser", "consignee"] as const) {
    const party = txn[role];
    if (!party) continue;
    if (party.headquarters) facts.headquarters.push(party.headquarters);
    else facts.missingHeadquarters.push(`${role}.headquarters`);
    const result = ctx.screen({ name: party.name, ...(party.country && { country: party.country }) });
    const hits = result.hits.map(({ record: _record, ...hit }) => hit);
    const band = bestBand(hits);
    const screening: PartyScreening = {
      role,
      name: party.name,
      country: party.country ?? null,
      headquarters: party.headquarters ?? null,
      hits,
      band,
    };
    facts.screenings.push(screening);
    for (const h of result.hits) {
      if (h.band === "match")
        facts.listedMatches.push({ role, hit: hits.find((x) => x.id === h.id)!, record: h.record });
    }
    if (band === "review") facts.reviewHits.push(screening);
  }
  // Entries that state a license requirement (the Entity List's) govern; list them first.
  facts.listedMatches.sort(
    (a, b) => Number(!a.record.license_requirement) - Number(!b.record.license_requirement),
  );
  return facts;
}

/** The transaction as the provisions see it on one date: destination and headquarters after aliases. */
export interface TransactionFacts {
  txn: Transaction;
  ctx: DecideContext;
  parties: PartyFacts;
  /** The destination after aliases (Hong Kong is China). */
  destination: string;
  alias: { as: string; cite: Cite } | undefined;
  /** Headquarters of the parties after aliases. */
  headquarters: string[];
}

export function transactionFacts(
  txn: Transaction,
  ctx: DecideContext,
  parties: PartyFacts,
): TransactionFacts {
  const aliases = ctx.rules.destinationAliases;
  const alias = aliases[txn.destination];
  return {
    txn,
    ctx,
    parties,
    destination: alias ? alias.as : txn.destination,
    alias,
    headquarters: parties.headquarters.map((hq) => aliases[hq]?.as ?? hq),
  };
}

/** One item of the transaction, classified on the decision's date, as the provisions see it. */
export interface ItemFacts {
  index: number;
  t: TransactionFacts;
  item: ResolvedItem;
  classification: Classification;
  classes: Set<string>;
}

export function itemFacts(
  t: TransactionFacts,
  raw: TransactionItem,
  index: number,
  asOf: string,
  mode: Mode,
): ItemFacts {
  const item = resolveItem(raw, index, t.ctx.catalog);
  const classification = classifyCached(item.spec, t.ctx.rules, asOf, mode);
  return { index, t, item, classification, classes: itemClasses(classification) };
}

/** Number of ICs counted in a line: systems hold `count` each. */
export function icCount(item: ResolvedItem): number {
  return item.quantity * (item.spec.kind === "system" ? item.spec.count : 1);
}
