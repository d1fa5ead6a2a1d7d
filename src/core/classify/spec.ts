import { z } from "zod";
import { LIMITS, tooLongMessage } from "../limits.js";

/** Number formats whose dense throughput a chip spec may give; their bit lengths are rule data. */
export const formats = ["fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "fp6", "fp4", "int8", "int4"] as const;
export type Format = (typeof formats)[number];

export const segments = ["datacenter", "workstation", "consumer", "edge"] as const;
export type Segment = (typeof segments)[number];

// Figures are bounded above (and areas below) so that no product or quotient of them overflows to Infinity,
// which JSON would write as null: a huge finite figure is refused here, at the field that holds it.
const nonNegative = (what: string, max: number = LIMITS.specFigureMax) =>
  z
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, { error: `${what} must be a finite number` })
    .refine((n) => n >= 0, { error: `${what} must not be negative` })
    .refine((n) => n <= max, { error: `${what} must be at most ${max}` });
const positive = (what: string, max: number = LIMITS.specFigureMax) =>
  z
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, { error: `${what} must be a finite number` })
    .refine((n) => n > 0, { error: `${what} must be greater than zero` })
    .refine((n) => n <= max, { error: `${what} must be at most ${max}` });
const area = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .refine(Number.isFinite, { error: `${what} must be a finite number` })
    .refine((n) => n > 0, { error: `${what} must be greater than zero` })
    .refine((n) => n <= 0 || n >= LIMITS.specAreaMin, {
      error: `${what} must be at least ${LIMITS.specAreaMin}`,
    })
    .refine((n) => n <= LIMITS.specFigureMax, { error: `${what} must be at most ${LIMITS.specFigureMax}` });
const name = z
  .string()
  .min(1)
  .max(LIMITS.textLength, { error: tooLongMessage("name", LIMITS.textLength) });
const count = (what: string, min: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be a whole number of at least ${min}` })
    .max(LIMITS.chipsPerSystem, { error: `${what} must be at most ${LIMITS.chipsPerSystem}` });

const denseTops = z
  .record(z.string().max(20, { error: "not a format name" }), nonNegative("a TOPS figure"))
  .superRefine((tops, ctx) => {
    for (const key of Object.keys(tops)) {
      if (!(formats as readonly string[]).includes(key)) {
        const hint = /sparse/i.test(key)
          ? ' Give dense figures, or give the sparse figures under their format name with "sparse": true to have them halved.'
          : "";
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `unknown format '${key}'; accepted: ${formats.join(", ")}.${hint}`,
        });
      }
    }
  }) as z.ZodType<Partial<Record<Format, number>>>;

/** An integrated circuit (accelerator) as the classifier sees it. */
export const icSpec = z.strictObject({
  kind: z.literal("ic").optional(),
  name: name.optional(),
  datacenter: z.boolean({ error: "datacenter must be true or false" }).optional(),
  segment: z.enum(segments, { error: `segment must be one of ${segments.join(", ")}` }).optional(),
  denseTops: denseTops.optional(),
  dieAreaMm2: area("dieAreaMm2 (mm2)").optional(),
  memoryBandwidthGBs: nonNegative("memoryBandwidthGBs (GB/s)").optional(),
  interconnectGBs: nonNegative("interconnectGBs (GB/s, aggregate bidirectional I/O)").optional(),
  hbmStacks: count("hbmStacks", 0).optional(),
  sparse: z.boolean().optional(),
  /** What the fabricator or OSAT knows of the IC (Note 1 to 3A090.a, foundry due-diligence rule). */
  fabrication: z
    .strictObject({
      processNodeNm: positive("fabrication.processNodeNm (nm)").optional(),
      nonPlanarTransistors: z.boolean({ error: "nonPlanarTransistors must be true or false" }).optional(),
      /** The final packaged IC's aggregated approximated transistor count, as attested. */
      transistorCount: positive("fabrication.transistorCount").optional(),
      hasHbm: z.boolean({ error: "hasHbm must be true or false" }).optional(),
      /** The designer is an approved IC designer (or an authorized one before the designer deadline). */
      designerApproved: z.boolean({ error: "designerApproved must be true or false" }).optional(),
      packagedByApprovedOsat: z.boolean({ error: "packagedByApprovedOsat must be true or false" }).optional(),
    })
    .optional(),
});
export type IcSpec = z.infer<typeof icSpec>;

/** A stand-alone high bandwidth memory stack or package (3A090.c). */
export const hbmSpec = z.strictObject({
  kind: z.literal("hbm"),
  name: name.optional(),
  memoryBandwidthGBs: positive("memoryBandwidthGBs (GB/s)"),
  packageAreaMm2: area("packageAreaMm2 (mm2)"),
});
export type HbmSpec = z.infer<typeof hbmSpec>;

/** Model weights (4E091). */
export const weightsSpec = z.strictObject({
  kind: z.literal("weights"),
  name: name.optional(),
  trainingOps: positive("trainingOps (operations)", LIMITS.trainingOpsMax),
  weightsPublished: z.boolean({ error: "weightsPublished must be true or false" }),
});
export type WeightsSpec = z.infer<typeof weightsSpec>;

/** A computer, board or assembly holding `count` copies of one IC (4A090 or a .z paragraph). */
export const systemSpec = z.strictObject({
  kind: z.literal("system"),
  name: name.optional(),
  chip: icSpec,
  count: count("count", 1),
  otherwiseEccn: z
    .string()
    .regex(/^[0-9][A-E][0-9]{3}$/, { error: "otherwiseEccn must be an ECCN such as 5A992" })
    .optional(),
});
export type SystemSpec = z.infer<typeof systemSpec>;

export const itemSpec = z.union([icSpec, hbmSpec, weightsSpec, systemSpec]);
export type ItemSpec = IcSpec | HbmSpec | WeightsSpec | SystemSpec;

/** Validates an item spec, choosing the schema by `kind` so errors are about the right shape. */
export function parseItemSpec(raw: unknown): z.ZodSafeParseResult<ItemSpec> {
  const kind = typeof raw === "object" && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  switch (kind) {
    case "hbm":
      return hbmSpec.safeParse(raw);
    case "weights":
      return weightsSpec.safeParse(raw);
    case "system":
      return systemSpec.safeParse(raw);
    case undefined:
    case "ic":
      return icSpec.safeParse(raw);
    default:
      return z
        .object({
          kind: z.enum(["ic", "hbm", "weights", "system"], {
            error: "kind must be ic, hbm, weights or system",
          }),
        })
        .safeParse(raw) as z.ZodSafeParseResult<ItemSpec>;
  }
}
