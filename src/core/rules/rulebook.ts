import type { z } from "zod";
import { ChipGateError } from "../errors.js";
import { deepFreeze } from "../freeze.js";
import {
  type Cite,
  type CountryGroupData,
  type CountrySet,
  countryGroupsFile,
  type EccnVersionData,
  type Exclusion,
  eccnFile,
  type FoundryPresumption,
  type Licensing,
  licensingFile,
  type Mode,
  type Paragraph,
  type RuleVersionData,
  type Source,
  sourcesFile,
  technicalNotesFile,
  versionsFile,
} from "./schema.js";

/** One rule-data file, already parsed from YAML, with the path used in error messages. */
export interface RuleDataDocument {
  file: string;
  kind: "sources" | "versions" | "eccn" | "country-groups" | "technical-notes" | "licensing";
  data: unknown;
}

/** A citation ready to show: the legal source, the pinpoint and how it was evidenced. */
export interface Citation {
  source: string;
  text: string;
  pinpoint: string;
  evidence: Cite["evidence"];
  url: string;
}

export interface CitedParagraph extends Paragraph {
  cite: Cite;
  uncertain: string[];
}
export interface CitedExclusion extends Exclusion {
  cite: Cite;
  uncertain: string[];
}

/** An ECCN as in force between `from` and `to` (exclusive; undefined = still in force). */
export interface EccnVersion {
  eccn: string;
  from: string;
  to?: string;
  compliance?: string;
  cite: Cite;
  notes?: string;
  uncertain: string[];
  exclusions: CitedExclusion[];
  paragraphs: CitedParagraph[];
  contains: Record<string, string>;
  zParagraphs: string[];
  /** Note 1 to 3A090.a: the front-end fabricator / OSAT presumption, when in force. */
  foundryPresumption?: FoundryPresumption;
}

export interface RuleVersion extends RuleVersionData {
  modes: Mode[];
}

export interface CountryGroup extends CountryGroupData {
  name: string;
}

/** The whole body of rule data, validated, with lookups by date. Immutable once built. */
export interface RuleBook {
  /** Content hash of the data files, given by the loader. */
  readonly version: string;
  readonly lastReviewed: string;
  /** Rules published after this date were not looked for: answers for later dates must say so. */
  readonly verifiedThrough: string;
  readonly sources: Readonly<Record<string, Source>>;
  readonly bitLength: Readonly<Record<string, number>>;
  readonly tf32AlternativeBitLength: number;
  readonly technicalNotesCite: Cite;
  readonly ruleVersions: readonly RuleVersion[];
  readonly groups: Readonly<Record<string, CountryGroup>>;
  readonly destinationAliases: Readonly<Record<string, { as: string; cite: Cite }>>;
  readonly destinationNotes: Readonly<Record<string, { text: string; cite: Cite }>>;
  readonly licensing: Licensing;
  /** The earliest date on which any rule data differs by mode; before it both modes give the same answers. */
  readonly modesDivergeFrom: string;
  cite(c: Cite): Citation;
  /** Whether a country is in a country set on a date. */
  inSet(set: CountrySet, country: string, date: string): boolean;
  /**
   * The Country Groups not verified against the eCFR on whose membership of this country the answer rests:
   * the country is listed in the group (or is one of its least certain members), and flipping that one
   * membership would flip whether the country is in the set on the date. A country the group does not list is
   * taken at the group's word unless it is marked least certain.
   */
  decidingGroups(set: CountrySet, country: string, date: string): CountryGroup[];
  eccnAt(eccn: string, date: string): EccnVersion | undefined;
  eccnVersions(eccn: string): readonly EccnVersion[];
  ruleVersionAt(date: string, mode: Mode): RuleVersion | undefined;
  groupMembersAt(group: string, date: string): ReadonlySet<string>;
}

/** How a group's membership was checked, in words: "verified", "secondary snapshot of 2026-07-08", "unverified". */
export function verificationStatus(g: CountryGroupData): string {
  return g.verification === "secondary-snapshot"
    ? `secondary snapshot of ${g.snapshot_date}`
    : g.verification;
}

/** The entry of a dated list in force on a date in a mode: the last whose `from` has passed. */
export function valueAt<T extends { from: string; modes?: readonly Mode[] | undefined }>(
  list: readonly T[],
  date: string,
  mode: Mode,
): T | undefined {
  return list.findLast((v) => v.from <= date && (!v.modes || v.modes.includes(mode)));
}

function fail(file: string, path: readonly PropertyKey[], message: string): never {
  const where = path.length ? path.map(String).join(".") : "(root)";
  throw new ChipGateError("RULE_DATA_INVALID", `${file}: ${where}: ${message}`, [
    { path: `${file}#${where}`, message },
  ]);
}

function parseWith<T>(schema: z.ZodType<T>, doc: RuleDataDocument): T {
  const result = schema.safeParse(doc.data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    let message = issue.message;
    if (issue.code === "unrecognized_keys") message = `unknown key(s): ${issue.keys.join(", ")}`;
    fail(doc.file, issue.path, message);
  }
  return result.data;
}

function checkAscending(file: string, path: string, dates: readonly string[]): void {
  for (let i = 1; i < dates.length; i++) {
    if (dates[i]! <= dates[i - 1]!) {
      fail(
        file,
        [path, i, "from"],
        `dates must be strictly increasing (no overlap): ${dates[i]} does not follow ${dates[i - 1]}`,
      );
    }
  }
}

/** Whether a country is in (groups ∪ countries) − (minus_groups ∪ minus_countries), given group membership. */
function setHas(set: CountrySet, country: string, member: (group: string) => boolean): boolean {
  const included = (set.countries ?? []).includes(country) || (set.groups ?? []).some(member);
  if (!included) return false;
  return !((set.minus_countries ?? []).includes(country) || (set.minus_groups ?? []).some(member));
}

/** Validates every document and cross-references them, throwing RULE_DATA_INVALID naming file and field. */
export function buildRuleBook(docs: readonly RuleDataDocument[], version: string): RuleBook {
  const byKind = (kind: RuleDataDocument["kind"]) => docs.filter((d) => d.kind === kind);
  const single = (kind: RuleDataDocument["kind"]) => {
    const found = byKind(kind);
    if (found.length !== 1) {
      throw new ChipGateError(
        "RULE_DATA_INVALID",
        `rule data: expected exactly one '${kind}' file, found ${found.length}`,
      );
    }
    return found[0]!;
  };

  const sourcesDoc = single("sources");
  const sources = parseWith(sourcesFile, sourcesDoc).sources;
  const checkCite = (file: string, path: PropertyKey[], c: Cite) => {
    if (!sources[c.source])
      fail(file, [...path, "source"], `unknown source '${c.source}' (not in sources.yaml)`);
  };

  const notesDoc = single("technical-notes");
  const notes = parseWith(technicalNotesFile, notesDoc);
  checkCite(notesDoc.file, ["cite"], notes.cite);

  const versionsDoc = single("versions");
  const versionsData = parseWith(versionsFile, versionsDoc);
  const versions = versionsData.versions.map(
    (v): RuleVersion => ({ ...v, modes: v.modes ?? ["as-enforced", "as-codified"] }),
  );
  versions.forEach((v, i) => {
    checkCite(versionsDoc.file, ["versions", i, "cite"], v.cite);
  });
  for (const m of ["as-enforced", "as-codified"] as const) {
    checkAscending(
      versionsDoc.file,
      "versions",
      versions.filter((v) => v.modes.includes(m)).map((v) => v.from),
    );
  }

  const groupsDoc = single("country-groups");
  const groupsData = parseWith(countryGroupsFile, groupsDoc);
  const groups: Record<string, CountryGroup> = {};
  for (const [name, g] of Object.entries(groupsData.groups)) {
    checkCite(groupsDoc.file, ["groups", name, "cite"], g.cite);
    g.changes?.forEach((c, i) => {
      checkCite(groupsDoc.file, ["groups", name, "changes", i, "cite"], c.cite);
      if (c.to !== undefined && c.from !== undefined && c.to <= c.from) {
        fail(
          groupsDoc.file,
          ["groups", name, "changes", i, "to"],
          `'to' (${c.to}) must be after 'from' (${c.from})`,
        );
      }
    });
    groups[name] = { ...g, name };
  }
  for (const [code, alias] of Object.entries(groupsData.destination_aliases)) {
    checkCite(groupsDoc.file, ["destination_aliases", code, "cite"], alias.cite);
  }
  for (const [code, note] of Object.entries(groupsData.destination_notes ?? {})) {
    checkCite(groupsDoc.file, ["destination_notes", code, "cite"], note.cite);
  }

  const eccns = new Map<string, EccnVersion[]>();
  for (const doc of byKind("eccn")) {
    const data = parseWith(eccnFile, doc);
    if (eccns.has(data.eccn)) fail(doc.file, ["eccn"], `ECCN ${data.eccn} is defined in more than one file`);
    checkAscending(
      doc.file,
      "versions",
      data.versions.map((v) => v.from),
    );
    const resolved: EccnVersion[] = [];
    data.versions.forEach((v: EccnVersionData, i) => {
      const path = ["versions", i];
      checkCite(doc.file, [...path, "cite"], v.cite);
      if (v.compliance !== undefined && v.compliance < v.from) {
        fail(doc.file, [...path, "compliance"], `compliance date ${v.compliance} is before 'from' ${v.from}`);
      }
      v.paragraphs?.forEach((p, j) => {
        if (!p.id.startsWith(data.eccn)) {
          fail(
            doc.file,
            [...path, "paragraphs", j, "id"],
            `paragraph ${p.id} does not belong to ECCN ${data.eccn}`,
          );
        }
      });
      const previous = v.keeps_previous ? resolved[resolved.length - 1] : undefined;
      if (v.keeps_previous && !previous)
        fail(doc.file, [...path, "keeps_previous"], "the first version has nothing to keep");
      const own = {
        paragraphs: (v.paragraphs ?? []).map((p) => ({ ...p, cite: v.cite, uncertain: p.uncertain ?? [] })),
        exclusions: (v.exclusions ?? []).map((e) => ({ ...e, cite: v.cite, uncertain: e.uncertain ?? [] })),
      };
      const next: EccnVersion = {
        eccn: data.eccn,
        from: v.from,
        cite: v.cite,
        uncertain: [...(previous?.uncertain ?? []), ...(v.uncertain ?? [])],
        exclusions: [...(previous?.exclusions ?? []), ...own.exclusions],
        paragraphs: [...(previous?.paragraphs ?? []), ...own.paragraphs],
        contains: { ...(previous?.contains ?? {}), ...(v.contains ?? {}) },
        zParagraphs: v.z_paragraphs ?? previous?.zParagraphs ?? [],
        ...((v.foundry_presumption ?? previous?.foundryPresumption) && {
          foundryPresumption: v.foundry_presumption ?? previous!.foundryPresumption!,
        }),
        ...(v.compliance !== undefined && { compliance: v.compliance }),
        ...(v.notes !== undefined && { notes: v.notes }),
      };
      const fp = v.foundry_presumption;
      if (fp) {
        checkCite(doc.file, [...path, "foundry_presumption", "cite"], fp.cite);
        checkCite(
          doc.file,
          [...path, "foundry_presumption", "designer_deadline", "cite"],
          fp.designer_deadline.cite,
        );
        for (const [key, names] of Object.entries({
          groups: fp.fabricator_not_located.groups,
          minus_groups: fp.fabricator_not_located.minus_groups,
        })) {
          (names ?? []).forEach((g, k) => {
            if (!groups[g])
              fail(
                doc.file,
                [...path, "foundry_presumption", "fabricator_not_located", key, k],
                `unknown country group '${g}'`,
              );
          });
        }
        fp.transistor_limits.forEach((l, k) => {
          if (k > 0 && l.from_year <= fp.transistor_limits[k - 1]!.from_year)
            fail(
              doc.file,
              [...path, "foundry_presumption", "transistor_limits", k, "from_year"],
              "years must be strictly increasing",
            );
        });
      }
      const ids = next.paragraphs.map((p) => p.id);
      const dup = ids.find((id, k) => ids.indexOf(id) !== k);
      if (dup) fail(doc.file, [...path, "paragraphs"], `paragraph ${dup} is defined twice in this version`);
      if (previous) previous.to = v.from;
      resolved.push(next);
    });
    eccns.set(data.eccn, resolved);
  }

  const licensingDoc = single("licensing");
  const licensing = parseWith(licensingFile, licensingDoc);
  checkLicensing(licensingDoc.file, licensing, groups, checkCite);

  const modeSpecific: string[] = versions.filter((v) => v.modes.length < 2).map((v) => v.from);
  const collectModeDates = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) collectModeDates(v);
    } else if (typeof value === "object" && value !== null) {
      const o = value as { from?: unknown; modes?: unknown };
      if (typeof o.from === "string" && Array.isArray(o.modes) && o.modes.length < 2)
        modeSpecific.push(o.from);
      for (const v of Object.values(value)) collectModeDates(v);
    }
  };
  collectModeDates(licensing);
  const modesDivergeFrom = modeSpecific.sort()[0] ?? "9999-12-31";

  const lastReviewed = [sourcesDoc, notesDoc, versionsDoc, groupsDoc]
    .map((d) => (d.data as { last_reviewed: string }).last_reviewed)
    .sort()[0]!;

  const citations = new WeakMap<Cite, Citation>();
  // Memberships are looked up for every decision; at most one set per group and calendar day.
  const membership = new Map<string, ReadonlySet<string>>();
  return Object.freeze({
    version,
    lastReviewed,
    verifiedThrough: versionsData.verified_through,
    sources,
    bitLength: notes.bit_length,
    tf32AlternativeBitLength: notes.tf32_alternative_bit_length,
    technicalNotesCite: notes.cite,
    ruleVersions: versions,
    groups,
    destinationAliases: groupsData.destination_aliases,
    destinationNotes: groupsData.destination_notes ?? {},
    cite(c: Cite): Citation {
      let citation = citations.get(c);
      if (!citation) {
        const s = sources[c.source]!;
        const doc = s.fr_doc ? ` (FR Doc ${s.fr_doc})` : "";
        citation = deepFreeze({
          source: c.source,
          text: `${s.citation}${doc}; ${c.pinpoint}`,
          pinpoint: c.pinpoint,
          evidence: c.evidence,
          url: s.url,
        });
        citations.set(c, citation);
      }
      return citation;
    },
    eccnAt(eccn: string, date: string) {
      const list = eccns.get(eccn) ?? [];
      return list.findLast((v) => v.from <= date);
    },
    eccnVersions(eccn: string) {
      return eccns.get(eccn) ?? [];
    },
    ruleVersionAt(date: string, mode: Mode) {
      return versions.findLast((v) => v.from <= date && v.modes.includes(mode));
    },
    licensing,
    modesDivergeFrom,
    inSet(set: CountrySet, country: string, date: string): boolean {
      return setHas(set, country, (g) => this.groupMembersAt(g, date).has(country));
    },
    decidingGroups(set: CountrySet, country: string, date: string): CountryGroup[] {
      const member = (g: string) => this.groupMembersAt(g, date).has(country);
      const answer = setHas(set, country, member);
      const consulted = [...new Set([...(set.groups ?? []), ...(set.minus_groups ?? [])])];
      return consulted
        .map((name) => groups[name]!)
        .filter(
          (g) =>
            g.verification !== "verified" &&
            !(g.confirmed ?? []).includes(country) &&
            (member(g.name) || (g.least_certain ?? []).includes(country)) &&
            setHas(set, country, (name) => (name === g.name ? !member(name) : member(name))) !== answer,
        );
    },
    groupMembersAt(group: string, date: string): ReadonlySet<string> {
      const key = `${group}|${date}`;
      let members = membership.get(key);
      if (!members) {
        const g = groups[group];
        if (!g) throw new ChipGateError("INTERNAL", `unknown country group ${group}`);
        const built = new Set(g.members);
        for (const c of g.changes ?? []) {
          if ((c.from === undefined || c.from <= date) && (c.to === undefined || date < c.to))
            built.add(c.country);
        }
        members = built;
        membership.set(key, members);
      }
      return members;
    },
  });
}

/** Cross-checks of licensing.yaml: cited sources exist, groups exist, dates ascend within each mode. */
function checkLicensing(
  file: string,
  licensing: Licensing,
  groups: Record<string, CountryGroup>,
  checkCite: (file: string, path: PropertyKey[], c: Cite) => void,
): void {
  const visit = (value: unknown, path: PropertyKey[]): void => {
    if (Array.isArray(value)) {
      // Company notices are separate notices side by side, not one value changing over time.
      const series = path.at(-1) !== "company_notices";
      if (series && value.every((v) => typeof v === "object" && v !== null && "from" in v)) {
        const entries = value as { from: string; modes?: string[] }[];
        for (const m of ["as-enforced", "as-codified"]) {
          const lane = entries.map((e, i) => ({ e, i })).filter(({ e }) => !e.modes || e.modes.includes(m));
          for (let k = 1; k < lane.length; k++) {
            if (lane[k]!.e.from <= lane[k - 1]!.e.from) {
              fail(
                file,
                [...path, lane[k]!.i, "from"],
                `dates must be strictly increasing (no overlap): ${lane[k]!.e.from} does not follow ${lane[k - 1]!.e.from}`,
              );
            }
          }
        }
      }
      value.forEach((v, i) => {
        visit(v, [...path, i]);
      });
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === "cite") checkCite(file, [...path, key], v as Cite);
      else if ((key === "groups" || key === "minus_groups") && Array.isArray(v)) {
        v.forEach((g, i) => {
          if (!groups[g as string]) fail(file, [...path, key, i], `unknown country group '${String(g)}'`);
        });
      } else visit(v, [...path, key]);
    }
  };
  visit(licensing, []);
}
