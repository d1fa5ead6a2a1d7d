import { z } from "zod";
import { icSpec, itemSpec } from "../classify/spec.js";
import { isCountryCode } from "../countries.js";
import { isIsoDate } from "../dates.js";

const country = (what: string) =>
  z
    .string({ error: `${what} must be an ISO 3166-1 alpha-2 code such as CN` })
    .transform((s) => s.trim().toUpperCase())
    .refine(isCountryCode, { error: `${what} must be an ISO 3166-1 alpha-2 code such as CN, AE or MO` });

export const party = z.strictObject({
  name: z.string().trim().min(1, { error: "name must not be empty" }),
  country: country("country").optional(),
  /** Headquarters of the party or of its ultimate parent (EAR §744.23(a)(3) "headquartered in"). */
  headquarters: country("headquarters").optional(),
});
export type Party = z.infer<typeof party>;

const quantity = z
  .number({ error: "quantity must be a number" })
  .int({ error: "quantity must be a whole number" })
  .positive({ error: "quantity must be at least 1" })
  .default(1);

export const transactionItem = z.union([
  z.strictObject({ chip: z.string().min(1, { error: "chip id must not be empty" }), quantity }),
  z.strictObject({ spec: itemSpec, quantity }),
  z.strictObject({
    system: z.strictObject({
      name: z.string().min(1).optional(),
      chip: z.union([z.string().min(1), icSpec]),
      count: z.number().int().positive({ error: "count must be at least 1" }),
      otherwiseEccn: z
        .string()
        .regex(/^[0-9][A-E][0-9]{3}$/)
        .optional(),
    }),
    quantity,
  }),
]);
export type TransactionItem = z.infer<typeof transactionItem>;

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
  items: z.array(transactionItem).min(1, { error: "items must list at least one item" }),
  endUser: party.optional(),
  consignee: party.optional(),
  endUse: z.array(z.string().min(1)).optional(),
  exporter: z.string().trim().min(1).optional(),
  /** Ids of review-policy conditions the exporter certifies (see `data/rules/licensing.yaml`). */
  certifications: z.array(z.string().min(1)).optional(),
});
export type Transaction = z.infer<typeof transaction>;
export type TransactionInput = z.input<typeof transaction>;
