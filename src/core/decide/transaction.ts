import { z } from "zod";
import { icSpec, itemSpec } from "../classify/spec.js";
import { isCountryCode } from "../countries.js";
import { isIsoDate } from "../dates.js";
import { LIMITS, tooLongMessage } from "../limits.js";
import { exporterRoles } from "../rules/schema.js";

const country = (what: string) =>
  z
    .string({ error: `${what} must be an ISO 3166-1 alpha-2 code such as CN` })
    .max(LIMITS.textLength, { error: `${what} must be an ISO 3166-1 alpha-2 code such as CN` })
    .transform((s) => s.trim().toUpperCase())
    .refine(isCountryCode, { error: `${what} must be an ISO 3166-1 alpha-2 code such as CN, AE or MO` });

/** A declared owner of a party, with its direct or indirect effective share (Affiliates Rule). */
export const owner = z.strictObject({
  name: z
    .string({ error: "an owner's name must be a string" })
    .trim()
    .min(1, { error: "an owner's name must not be empty" })
    .max(LIMITS.nameLength, { error: `an owner's name must be at most ${LIMITS.nameLength} characters` }),
  country: country("an owner's country").optional(),
  sharePercent: z
    .number({ error: "sharePercent must be a number from 0 (exclusive) to 100" })
    .refine(Number.isFinite, { error: "sharePercent must be a finite number" })
    .refine((n) => n > 0 && n <= 100, { error: "sharePercent must be more than 0 and at most 100" }),
});
export type Owner = z.infer<typeof owner>;

/** What is known of a party's owners, and whether it is a government (UAE carve-out). */
const ownership = {
  /** Owners with their direct or indirect effective shares; each is screened like a party. */
  owners: z
    .array(owner, { error: "owners must be a list of { name, country?, sharePercent }" })
    .max(LIMITS.ownersPerParty, { error: `at most ${LIMITS.ownersPerParty} owners per party` })
    .optional(),
  /** true: the owners given are all there is to know; false: the exporter does not know who owns the party. */
  ownershipKnown: z.boolean({ error: "ownershipKnown must be true or false" }).optional(),
  /** The party is a government (a ministry, an agency) of its country. */
  government: z.boolean({ error: "government must be true or false" }).optional(),
};

export const party = z.strictObject({
  name: z
    .string()
    .max(LIMITS.nameLength, { error: tooLongMessage("name", LIMITS.nameLength) })
    .trim()
    .min(1, { error: "name must not be empty" }),
  country: country("country").optional(),
  /** Headquarters of the party or of its ultimate parent (EAR §744.23(a)(3) "headquartered in"). */
  headquarters: country("headquarters").optional(),
  ...ownership,
});
export type Party = z.infer<typeof party>;

const quantity = z
  .number({ error: "quantity must be a number" })
  .int({ error: "quantity must be a whole number" })
  .positive({ error: "quantity must be at least 1" })
  .max(LIMITS.quantityMax, { error: `quantity must be at most ${LIMITS.quantityMax}` })
  .default(1);

/** A chip id of the catalog (GET /v1/chips). */
const chipId = z
  .string()
  .min(1, { error: "chip id must not be empty" })
  .max(LIMITS.textLength, { error: tooLongMessage("chip id", LIMITS.textLength) });

/** A short free text: an end use, a certification id, a system name. */
const text = (what: string) =>
  z
    .string()
    .min(1, { error: `${what} must not be empty` })
    .max(LIMITS.textLength, { error: tooLongMessage(what, LIMITS.textLength) });

const entries = (what: string) =>
  z.array(text(what)).max(LIMITS.listEntries, { error: `at most ${LIMITS.listEntries} ${what} entries` });

export const transactionItem = z.union([
  z.strictObject({ chip: chipId, quantity }),
  z.strictObject({ spec: itemSpec, quantity }),
  z.strictObject({
    system: z.strictObject({
      name: text("system name").optional(),
      chip: z.union([chipId, icSpec]),
      count: z
        .number()
        .int()
        .positive({ error: "count must be at least 1" })
        .max(LIMITS.chipsPerSystem, { error: `count must be at most ${LIMITS.chipsPerSystem}` }),
      otherwiseEccn: z
        .string()
        .regex(/^[0-9][A-E][0-9]{3}$/)
        .optional(),
    }),
    quantity,
  }),
]);
export type TransactionItem = z.infer<typeof transactionItem>;

export type ExporterRole = (typeof exporterRoles)[number];

/** The exporter as an object: a plain string still means a name. */
export const exporter = z.strictObject({
  name: z
    .string({ error: "exporter.name must be a string" })
    .trim()
    .min(1, { error: "exporter.name must not be empty" })
    .max(LIMITS.nameLength, { error: `exporter.name must be at most ${LIMITS.nameLength} characters` }),
  country: country("exporter.country").optional(),
  /** Headquarters of the exporter or of its ultimate parent. */
  headquarters: country("exporter.headquarters").optional(),
  role: z.enum(exporterRoles, { error: `role must be one of ${exporterRoles.join(", ")}` }).optional(),
});
export type Exporter = z.infer<typeof exporter>;

/** A proposed export, reexport or transfer: what ChipGate decides on. */
export const transaction = z.strictObject({
  date: z
    .string({ error: "date must be a string YYYY-MM-DD" })
    .refine(isIsoDate, { error: "date must be a real calendar date written YYYY-MM-DD" })
    .optional(),
  mode: z
    .enum(["as-enforced", "as-codified"], { error: "mode must be as-enforced or as-codified" })
    .optional(),
  exportedFrom: country("exportedFrom").default("US"),
  destination: country("destination"),
  items: z
    .array(transactionItem)
    .min(1, { error: "items must list at least one item" })
    .max(LIMITS.itemsPerDecision, { error: `at most ${LIMITS.itemsPerDecision} items per decision` }),
  endUser: party.optional(),
  consignee: party.optional(),
  /** The purchaser, when it is not the end user (listed parties bind in every role, reference §8). */
  purchaser: party.optional(),
  intermediateConsignees: z
    .array(party, { error: "intermediateConsignees must be a list of parties" })
    .max(LIMITS.intermediateConsignees, {
      error: `at most ${LIMITS.intermediateConsignees} intermediate consignees`,
    })
    .optional(),
  endUse: entries("endUse").optional(),
  exporter: z
    .union([
      z
        .string()
        .max(LIMITS.nameLength, { error: tooLongMessage("exporter", LIMITS.nameLength) })
        .trim()
        .min(1),
      exporter,
    ])
    .optional(),
  /** Ids of review-policy conditions the exporter certifies (see `data/rules/licensing.yaml`). */
  certifications: entries("certification").optional(),
});
export type Transaction = z.infer<typeof transaction>;
export type TransactionInput = z.input<typeof transaction>;

/** The exporter as an object, whichever way it was given. */
export function exporterOf(txn: Pick<Transaction, "exporter">): Exporter | undefined {
  return typeof txn.exporter === "string" ? { name: txn.exporter } : txn.exporter;
}
