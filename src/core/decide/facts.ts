import { type CatalogChip, findChip } from "../catalog/catalog.js";
import { type Classification, classify } from "../classify/classify.js";
import type { ExporterFacts } from "../classify/foundry.js";
import type { IcSpec, ItemSpec } from "../classify/spec.js";
import { assertNoIssues } from "../errors.js";
import { deepFreeze } from "../freeze.js";
import type { RuleBook } from "../rules/rulebook.js";
import type { Cite, Mode } from "../rules/schema.js";
import { bestBand } from "../screening/band.js";
import type { ScreeningHit } from "../screening/index.js";
import type { DecideContext } from "./context.js";
import { exporterOf, type Owner, type Party, type Transaction, type TransactionItem } from "./transaction.js";
import type { OwnerScreening, PartyRole, PartyScreening } from "./types.js";

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
export function classifyCached(
  spec: ItemSpec,
  rules: RuleBook,
  asOf: string,
  mode: Mode,
  exporter?: ExporterFacts,
): Classification {
  let byKey = classifications.get(spec);
  if (!byKey) {
    byKey = new Map();
    classifications.set(spec, byKey);
  }
  // Only the exporter's role and country can change a classification (the foundry presumption).
  const key = `${rules.version}|${asOf}|${mode}|${exporter?.role ?? ""}|${exporter?.country ?? ""}`;
  let c = byKey.get(key);
  if (!c) {
    c = deepFreeze(classify(spec, rules, { asOf, mode, ...(exporter && { exporter }) }));
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

/** A hit on a restricted-party list, with the listed record it is on. */
export interface ListedMatch {
  /** Where the screened name is: "endUser", "consignee.owners.1", ... */
  path: string;
  name: string;
  hit: PartyScreening["hits"][number];
  record: ScreeningHit["record"];
}

/** A declared owner, screened. */
export interface ScreenedOwner {
  owner: Owner;
  path: string;
  screening: OwnerScreening;
  matches: ListedMatch[];
  reviews: ListedMatch[];
}

/** A party of the transaction, screened with its owners. */
export interface ScreenedParty {
  role: PartyRole;
  path: string;
  party: Party;
  screening: PartyScreening;
  matches: ListedMatch[];
  reviews: ListedMatch[];
  owners: ScreenedOwner[];
}

export interface PartyFacts {
  parties: ScreenedParty[];
  screenings: PartyScreening[];
  /** Headquarters given for the end user and consignee, as entered. */
  headquarters: string[];
  missingHeadquarters: string[];
}

function screenName(
  ctx: DecideContext,
  path: string,
  name: string,
  country: string | undefined,
): {
  hits: PartyScreening["hits"];
  band: PartyScreening["band"];
  matches: ListedMatch[];
  reviews: ListedMatch[];
} {
  const result = ctx.screen({ name, ...(country && { country }) });
  const hits = result.hits.map(({ record: _record, ...hit }) => hit);
  const matches: ListedMatch[] = [];
  const reviews: ListedMatch[] = [];
  result.hits.forEach((h, i) => {
    (h.band === "match" ? matches : reviews).push({ path, name, hit: hits[i]!, record: h.record });
  });
  // Entries that state a license requirement (the Entity List's) govern; list them first.
  matches.sort((a, b) => Number(!a.record.license_requirement) - Number(!b.record.license_requirement));
  return { hits, band: bestBand(hits), matches, reviews };
}

/** The parties in the order they are screened and reported. */
function partiesOf(txn: Transaction): { role: PartyRole; path: string; party: Party }[] {
  return [
    ...(txn.endUser ? [{ role: "endUser" as const, path: "endUser", party: txn.endUser }] : []),
    ...(txn.consignee ? [{ role: "consignee" as const, path: "consignee", party: txn.consignee }] : []),
    ...(txn.purchaser ? [{ role: "purchaser" as const, path: "purchaser", party: txn.purchaser }] : []),
    ...(txn.intermediateConsignees ?? []).map((party, i) => ({
      role: "intermediateConsignee" as const,
      path: `intermediateConsignees.${i}`,
      party,
    })),
  ];
}

/** Screens every party and every declared owner through the context's screen function. */
export function screenParties(txn: Transaction, ctx: DecideContext): PartyFacts {
  const facts: PartyFacts = { parties: [], screenings: [], headquarters: [], missingHeadquarters: [] };
  for (const { role, path, party } of partiesOf(txn)) {
    // The headquarters rule looks at who the item is for: the end user and the consignee.
    if (role === "endUser" || role === "consignee") {
      if (party.headquarters) facts.headquarters.push(party.headquarters);
      else facts.missingHeadquarters.push(`${path}.headquarters`);
    }
    const own = screenName(ctx, path, party.name, party.country);
    const owners = (party.owners ?? []).map((owner, i): ScreenedOwner => {
      const ownerPath = `${path}.owners.${i}`;
      const s = screenName(ctx, ownerPath, owner.name, owner.country);
      return {
        owner,
        path: ownerPath,
        screening: {
          name: owner.name,
          country: owner.country ?? null,
          sharePercent: owner.sharePercent,
          hits: s.hits,
          band: s.band,
        },
        matches: s.matches,
        reviews: s.reviews,
      };
    });
    const screening: PartyScreening = {
      role,
      path,
      name: party.name,
      country: party.country ?? null,
      headquarters: party.headquarters ?? null,
      hits: own.hits,
      band: own.band,
      ...(owners.length > 0 && { owners: owners.map((o) => o.screening) }),
    };
    facts.parties.push({ role, path, party, screening, matches: own.matches, reviews: own.reviews, owners });
    facts.screenings.push(screening);
  }
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
  const exporter = exporterOf(t.txn);
  const classification = classifyCached(
    item.spec,
    t.ctx.rules,
    asOf,
    mode,
    exporter?.role ? { role: exporter.role, country: exporter.country } : undefined,
  );
  return { index, t, item, classification, classes: itemClasses(classification) };
}

/** Number of ICs counted in a line: systems hold `count` each. */
export function icCount(item: ResolvedItem): number {
  return item.quantity * (item.spec.kind === "system" ? item.spec.count : 1);
}
