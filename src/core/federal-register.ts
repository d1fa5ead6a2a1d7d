import { z } from "zod";
import type { IsoDate } from "./dates.js";
import { ChipGateError, type Issue } from "./errors.js";
import { isoDate } from "./rules/schema.js";

/**
 * What `chipgate rules updates` reads from the Federal Register's public documents API
 * (https://www.federalregister.gov/developers/documentation/api/v1, `GET /api/v1/documents.json`) and how it
 * picks the documents a maintainer must read before raising the rule data's `verified_through` date.
 * Pure: the answer is validated and filtered here; src/node/federal-register.ts does the fetching.
 */

/** The Federal Register's slug for the Bureau of Industry and Security, the agency that writes the EAR. */
export const BIS_AGENCY_SLUG = "industry-and-security-bureau";

/** The EAR is 15 CFR chapter VII, subchapter C (parts 730–774). */
export const EAR_CFR_TITLE = 15;

/**
 * The EAR parts whose amendments can change a ChipGate answer (reference §14.7): 734 scope (foreign direct
 * product rules), 736 general prohibitions, 740 license exceptions and Country Groups (Supp. 1), 742 control
 * policy (3A090/4A090 license requirements, §742.6), 744 end-user and end-use controls (Entity List, MEU
 * list, Affiliates Rule, foundry due diligence), 748 applications and classification requests, 762
 * recordkeeping, 774 the Commerce Control List (the ECCNs themselves).
 */
export const WATCHED_EAR_PARTS: readonly number[] = Object.freeze([734, 736, 740, 742, 744, 748, 762, 774]);

/** The fields `rules updates` asks the API for (`fields[]=…`); everything else is left out of the answer. */
export const FEDERAL_REGISTER_FIELDS: readonly string[] = Object.freeze([
  "document_number",
  "title",
  "type",
  "publication_date",
  "effective_on",
  "cfr_references",
  "html_url",
  "agencies",
]);

// CFR titles and parts are numbers in the API's answers; some clients have seen them as digit strings.
const cfrNumber = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, { error: "expected a whole number" })
    .transform((s) => Number(s)),
]);

const cfrReference = z.object({
  title: cfrNumber,
  part: cfrNumber.nullish(),
  chapter: z.union([z.string(), z.number()]).nullish(),
});

const agency = z.object({ name: z.string().nullish(), slug: z.string().nullish() });

const document = z.object({
  document_number: z.string().min(1, { error: "expected a document number" }),
  title: z.string(),
  type: z.string(),
  publication_date: isoDate,
  effective_on: isoDate.nullish(),
  cfr_references: z.array(cfrReference).nullish(),
  html_url: z.string().regex(/^https?:\/\/\S+$/, { error: "expected an http(s) address" }),
  agencies: z.array(agency).nullish(),
});
export type FederalRegisterDocument = z.infer<typeof document>;

const documentsPage = z
  .object({
    count: z.number({ error: "expected the number of matching documents" }).int().nonnegative(),
    total_pages: z.number().int().nonnegative().optional(),
    next_page_url: z.string().nullish(),
    // An answer with no match may leave `results` out.
    results: z.array(document).optional(),
  })
  .refine((p) => !(typeof p.count === "number" && p.count > 0 && p.results === undefined), {
    error: "results is missing although count is above 0",
    path: ["results"],
    // Checked even when another field is wrong, so that one answer's faults are all named at once.
    when: (payload) => typeof payload.value === "object" && payload.value !== null,
  });
export type FederalRegisterPage = z.infer<typeof documentsPage>;

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    "",
  );
}

/**
 * Validates one answer of `documents.json`. `address` is the request that produced it, named in the error,
 * which lists each field that is not as documented.
 */
export function parseDocumentsPage(json: unknown, address: string): FederalRegisterPage {
  const parsed = documentsPage.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues: Issue[] = parsed.error.issues.slice(0, 10).map((i) => ({
    path: issuePath(i.path) || "(root)",
    message: i.message,
  }));
  const more = parsed.error.issues.length - issues.length;
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
  if (more > 0) lines.push(`  … and ${more} more`);
  throw new ChipGateError(
    "REMOTE_SOURCE_ERROR",
    `the Federal Register API answer from ${address} is not in the documented shape:\n${lines.join("\n")}`,
    issues,
  );
}

/** One document of `rules updates`: the `documents[]` entries of its `--json` output (a public contract). */
export interface EarUpdate {
  documentNumber: string;
  title: string;
  /** As the API spells it: "Rule", "Proposed Rule", "Notice", … */
  type: string;
  publicationDate: IsoDate;
  /** Null when the document gives none (notices, most proposed rules). */
  effectiveOn: IsoDate | null;
  /** Every part of 15 CFR the document references, ascending (not only the watched ones). */
  cfrParts: number[];
  htmlUrl: string;
}

function earParts(doc: FederalRegisterDocument): number[] {
  const parts = (doc.cfr_references ?? [])
    .filter((r) => r.title === EAR_CFR_TITLE && r.part !== null && r.part !== undefined)
    .map((r) => r.part as number);
  return [...new Set(parts)].sort((a, b) => a - b);
}

/**
 * When the answer names agencies, BIS must be one of them (a mirror may ignore the agency condition); a
 * document without an agency list is kept, since the query asked for BIS documents only: listing one document
 * too many costs a maintainer a minute, missing one leaves the rule data wrong.
 */
function isBisDocument(doc: FederalRegisterDocument): boolean {
  return !doc.agencies || doc.agencies.some((a) => a.slug === BIS_AGENCY_SLUG);
}

/**
 * The BIS documents published on or after `since` that reference a watched EAR part, each once, oldest first
 * (then by document number). The API is asked for BIS documents since the date only; the date, agency and
 * part conditions are checked again here, so a mirror that ignores a condition cannot add documents.
 */
export function selectEarUpdates(docs: readonly FederalRegisterDocument[], since: IsoDate): EarUpdate[] {
  const byNumber = new Map<string, EarUpdate>();
  for (const doc of docs) {
    if (doc.publication_date < since || !isBisDocument(doc)) continue;
    const cfrParts = earParts(doc);
    if (!cfrParts.some((p) => WATCHED_EAR_PARTS.includes(p))) continue;
    byNumber.set(doc.document_number, {
      documentNumber: doc.document_number,
      title: doc.title,
      type: doc.type,
      publicationDate: doc.publication_date,
      effectiveOn: doc.effective_on ?? null,
      cfrParts,
      htmlUrl: doc.html_url,
    });
  }
  return [...byNumber.values()].sort(
    (a, b) =>
      a.publicationDate.localeCompare(b.publicationDate) || a.documentNumber.localeCompare(b.documentNumber),
  );
}
