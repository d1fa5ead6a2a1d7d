import { z } from "zod";
import { isIsoDate } from "../dates.js";
import { LIST_CODES } from "../screening/csl.js";

/**
 * Schemas of the rule-data files in data/rules. Every object is strict: an unknown key is an error, so a typo
 * in the law's data cannot pass silently.
 */
export const isoDate = z
  .string({ error: "expected a date written YYYY-MM-DD" })
  .refine(isIsoDate, { error: "expected a real calendar date written YYYY-MM-DD" });

export const evidence = z.enum(["FR", "eCFR", "BIS", "S", "D"]);

export const cite = z.strictObject(
  {
    source: z.string().min(1),
    pinpoint: z.string().min(1, { error: "a citation needs a pinpoint (paragraph or section)" }),
    evidence,
  },
  {
    error: (issue) =>
      issue.input === undefined ? "a citation is required: cite: { source, pinpoint, evidence }" : undefined,
  },
);
export type Cite = z.infer<typeof cite>;

export const source = z.strictObject({
  title: z.string().min(1),
  citation: z.string().min(1),
  fr_doc: z.string().optional(),
  published: isoDate.optional(),
  effective: isoDate.optional(),
  nature: z.enum([
    "interim-final-rule",
    "final-rule",
    "rule-amendment",
    "company-specific-notice",
    "guidance",
    "codified-text",
  ]),
  evidence,
  url: z.url(),
});
export type Source = z.infer<typeof source>;

export const sourcesFile = z.strictObject({
  last_reviewed: isoDate,
  sources: z.record(z.string().regex(/^[a-z0-9-]+$/), source),
});

/** The inputs a condition can test, each with the one unit it is measured in. */
export const inputUnits = {
  tpp: "tpp",
  pd: "tpp/mm2",
  io: "GB/s",
  datacenter: "boolean",
  mbd: "GB/s/mm2",
  trainingOps: "operations",
  weightsPublished: "boolean",
} as const;
export type ConditionInput = keyof typeof inputUnits;

const conditionInput = z.enum(Object.keys(inputUnits) as [ConditionInput, ...ConditionInput[]]);

export const condition = z
  .strictObject({
    input: conditionInput,
    unit: z.string(),
    text: z.string().min(1),
    gte: z.number().optional(),
    gt: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    eq: z.boolean().optional(),
    /** The comparator itself is uncertain: a value exactly at the threshold is flagged with this text. */
    boundary_uncertain: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    const ops = (["gte", "gt", "lt", "lte", "eq"] as const).filter((k) => c[k] !== undefined);
    if (ops.length !== 1) {
      ctx.addIssue({ code: "custom", message: "a condition needs exactly one of gte, gt, lt, lte, eq" });
    }
    const expected = inputUnits[c.input];
    if (c.unit !== expected) {
      ctx.addIssue({
        code: "custom",
        path: ["unit"],
        message: `unit of '${c.input}' must be '${expected}', not '${c.unit}'`,
      });
    }
    if ((expected === "boolean") !== (c.eq !== undefined)) {
      ctx.addIssue({ code: "custom", message: "boolean inputs use eq; numeric inputs use gte/gt/lt/lte" });
    }
  });
export type Condition = z.infer<typeof condition>;

export const itemKind = z.enum(["ic", "hbm", "weights"]);
export type ItemKind = z.infer<typeof itemKind>;

export const paragraph = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*$/, { error: "expected an ECCN paragraph like 3A090.a.1" }),
  applies_to: itemKind,
  title: z.string().min(1),
  all: z.array(condition).min(1),
  uncertain: z.array(z.string()).optional(),
});
export type Paragraph = z.infer<typeof paragraph>;

export const exclusion = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  all: z.array(condition).min(1),
  uncertain: z.array(z.string()).optional(),
});
export type Exclusion = z.infer<typeof exclusion>;

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { error: "expected an ISO 3166-1 alpha-2 code such as CN" });

/** A set of countries over the Country Groups: (groups ∪ countries) − (minus_groups ∪ minus_countries). */
export const countrySet = z.strictObject({
  groups: z.array(z.string().regex(/^[A-Z0-9]+$/)).optional(),
  countries: z.array(countryCode).optional(),
  minus_groups: z.array(z.string().regex(/^[A-Z0-9]+$/)).optional(),
  minus_countries: z.array(countryCode).optional(),
});
export type CountrySet = z.infer<typeof countrySet>;

export const exporterRoles = ["front-end-fabricator", "osat", "designer", "distributor", "other"] as const;

/**
 * Note 1 to 3A090.a (foundry due-diligence rule): a front-end fabricator or OSAT exporting an applicable advanced
 * logic IC presumes it is `presumed_paragraph` and designed for datacenters unless route A (an approved or
 * authorized IC designer attests), B (the fabricator, not located in `fabricator_not_located`, attests a
 * transistor count below the limit) or C (an approved OSAT attests the same) applies.
 */
export const foundryPresumption = z.strictObject({
  exporter_roles: z.array(z.enum(exporterRoles)).min(1),
  presumed_paragraph: z.string().regex(/^3A090\.a$/),
  /** An IC is applicable when made at this node or below, or with non-planar transistors. */
  applicable_ic: z.strictObject({
    process_node_nm_lte: z.number().positive(),
    non_planar_transistors: z.literal(true),
  }),
  cite,
  /** The "authorized IC designer" trigger date and the "approved IC designer" application deadline. */
  designer_deadline: z.strictObject({ date: isoDate, cite }),
  fabricator_not_located: countrySet,
  /** Aggregated approximated transistor count limits by the year the transfer completes (routes B and C). */
  transistor_limits: z
    .array(
      z.strictObject({
        from_year: z.number().int().min(2025).max(2100),
        lt: z.number().positive(),
        /** A higher limit for an IC without high bandwidth memory. */
        no_hbm_lt: z.number().positive().optional(),
        uncertain: z.string().min(1).optional(),
      }),
    )
    .min(1),
  uncertain: z.array(z.string()).optional(),
});
export type FoundryPresumption = z.infer<typeof foundryPresumption>;

export const eccnVersion = z.strictObject({
  from: isoDate,
  compliance: isoDate.optional(),
  keeps_previous: z.boolean().optional(),
  cite,
  notes: z.string().optional(),
  uncertain: z.array(z.string()).optional(),
  exclusions: z.array(exclusion).optional(),
  paragraphs: z.array(paragraph).optional(),
  contains: z.record(z.string(), z.string()).optional(),
  z_paragraphs: z.array(z.string().regex(/^[0-9][A-E][0-9]{3}$/)).optional(),
  foundry_presumption: foundryPresumption.optional(),
});
export type EccnVersionData = z.infer<typeof eccnVersion>;

export const eccnFile = z.strictObject({
  eccn: z.string().regex(/^[0-9][A-E][0-9]{3}$/),
  last_reviewed: isoDate,
  versions: z.array(eccnVersion).min(1),
});

export const mode = z.enum(["as-enforced", "as-codified"]);
export type Mode = z.infer<typeof mode>;

export const ruleVersion = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  from: isoDate,
  title: z.string().min(1),
  changes: z.array(z.string()).min(1),
  modes: z.array(mode).min(1).optional(),
  cite,
});
export type RuleVersionData = z.infer<typeof ruleVersion>;

export const versionsFile = z.strictObject({
  last_reviewed: isoDate,
  /** The date through which the rule data was checked against published sources (Federal Register, eCFR). */
  verified_through: isoDate,
  versions: z.array(ruleVersion).min(1),
});

export const countryGroup = z
  .strictObject({
    title: z.string().min(1),
    cite,
    /** verified: read against the eCFR; secondary-snapshot: a dated secondary rendering; unverified: from memory. */
    verification: z.enum(["verified", "secondary-snapshot", "unverified"]),
    /** The date a secondary snapshot was stated to be current on. */
    snapshot_date: isoDate.optional(),
    verification_note: z.string().min(1),
    /** Members independent sources confirm: no warning is given about them. */
    confirmed: z.array(countryCode).optional(),
    least_certain: z.array(countryCode).optional(),
    least_certain_note: z.string().min(1).optional(),
    members: z.array(countryCode),
    changes: z
      .array(
        z
          .strictObject({ country: countryCode, from: isoDate.optional(), to: isoDate.optional(), cite })
          .refine((c) => c.from !== undefined || c.to !== undefined, {
            error: "a change needs 'from', 'to' or both",
          }),
      )
      .optional(),
  })
  .refine((g) => (g.verification === "secondary-snapshot") === (g.snapshot_date !== undefined), {
    error: "a secondary-snapshot group needs snapshot_date, and only such a group has one",
    path: ["snapshot_date"],
  });
export type CountryGroupData = z.infer<typeof countryGroup>;

export const countryGroupsFile = z.strictObject({
  last_reviewed: isoDate,
  groups: z.record(z.string().regex(/^[A-Z0-9]+$/), countryGroup),
  destination_aliases: z.record(countryCode, z.strictObject({ as: countryCode, cite })),
  /** Said of a destination in every answer about it (e.g. regions of it under other controls). */
  destination_notes: z.record(countryCode, z.strictObject({ text: z.string().min(1), cite })).optional(),
});

export const technicalNotesFile = z.strictObject({
  last_reviewed: isoDate,
  cite,
  bit_length: z.record(z.string().regex(/^(fp|bf|tf|int)[0-9]+$/), z.number().int().positive()),
  tf32_alternative_bit_length: z.number().int().positive(),
});

export const itemClass = z.string().regex(/^(3A090\.[abc]|4A090\.[ab]|z|4E091|datacenter-3A090\.a)$/, {
  error:
    "expected an item class: 3A090.a, 3A090.b, 3A090.c, 4A090.a, 4A090.b, z, 4E091 or datacenter-3A090.a",
});

const policy = z.enum([
  "presumption-of-approval",
  "presumption-of-denial",
  "case-by-case",
  "policy-of-denial",
]);

/** Words that, found in a stated end use (any letter case), make it this end use. */
const endUseWords = z
  .array(
    z
      .string()
      .min(1)
      .regex(/^[a-z -]+$/, { error: "lower-case words" }),
  )
  .min(1);

const undated = { cite, uncertain: z.array(z.string()).optional() };

// The lists a meaning can be given to are the lists the screening data knows.
const listCode = z.enum(LIST_CODES);
const listEffect = z.enum(["requirement", "red-flag", "warning"]);

/** One meaning of a list match: a requirement states its text and policy; the others a message. */
const meaningFields = {
  effect: listEffect,
  requirement: z.string().min(1).optional(),
  policy: policy.optional(),
  message: z.string().min(1).optional(),
  cite,
};
const meaningComplete = (m: {
  effect: string;
  requirement?: string | undefined;
  policy?: string | undefined;
  message?: string | undefined;
}) =>
  m.effect === "requirement"
    ? m.requirement !== undefined && m.policy !== undefined
    : m.message !== undefined;
const meaningError = {
  error: "a requirement needs requirement and policy; a red flag or warning needs message",
};

const listMeaning = z
  .strictObject({
    title: z.string().min(1),
    ...meaningFields,
    policy_note: z.string().min(1).optional(),
    /** While the red flag stands no license exception may be used. */
    bars_exceptions: z.boolean().optional(),
    /** The Affiliates Rule extends this list's restrictions to entities it owns 50 % or more. */
    affiliates: z.boolean().optional(),
    uncertain: z.array(z.string()).optional(),
    /** Program tags (CSL `programs`) that give an entry a stronger meaning. */
    programs: z
      .array(
        z
          .strictObject({ tags: z.array(z.string().min(1)).min(1), ...meaningFields })
          .refine(meaningComplete, meaningError),
      )
      .optional(),
  })
  .refine(meaningComplete, meaningError);
export type ListMeaning = z.infer<typeof listMeaning>;

const dated = {
  from: isoDate,
  modes: z.array(mode).min(1).optional(),
  cite,
  uncertain: z.array(z.string()).optional(),
};

export const licensingFile = z.strictObject({
  last_reviewed: isoDate,
  destination_rule: z.array(
    z.strictObject({ ...dated, items: z.array(itemClass).min(1), destinations: countrySet }),
  ),
  headquarters_rule: z.array(
    z.strictObject({ ...dated, items: z.array(itemClass).min(1), headquarters: countrySet }),
  ),
  uae_carve_out: z.array(
    z.strictObject({
      ...dated,
      destinations: countrySet,
      items: z.array(itemClass).min(1),
      /** End users that are this country's government are outside the requirement. */
      government_of: countrySet,
      /** End users headquartered (or with their ultimate parent) here are outside the requirement. */
      headquartered_in: countrySet,
      approved_entities: z.strictObject({
        /** false: the list is known to be incomplete; answers say so. */
        complete: z.boolean(),
        note: z.string().min(1),
        entries: z.array(
          z.strictObject({ name: z.string().min(1), from: isoDate.optional(), to: isoDate.optional(), cite }),
        ),
      }),
    }),
  ),
  hbm_rule: z.array(z.strictObject({ ...dated, items: z.array(itemClass).min(1), destinations: countrySet })),
  worldwide_rule: z.array(
    z.strictObject({ ...dated, items: z.array(itemClass).min(1), except_destinations: countrySet }),
  ),
  supercomputer_end_use: z.array(
    z.strictObject({ ...dated, destinations: countrySet, end_use_words: endUseWords }),
  ),
  company_notices: z.array(
    z.strictObject({
      ...dated,
      id: z.string().regex(/^[a-z0-9-]+$/),
      /** The day the notice stopped applying (exclusive), when it was superseded. */
      to: isoDate.optional(),
      exporters: z.array(z.string().min(1)).min(1),
      chips: z.array(z.string().min(1)).min(1),
      destinations: countrySet,
      headquarters: countrySet,
      practice_note: z.string().optional(),
    }),
  ),
  exceptions: z.strictObject({
    NAC: z.array(
      z.strictObject({
        ...dated,
        destinations: countrySet,
        headquarters: countrySet.optional(),
        notification_days: z.number().int().nonnegative(),
        overcomes_headquarters_rule: z.boolean(),
      }),
    ),
    ACA: z.array(
      z.strictObject({
        ...dated,
        destinations: countrySet,
        /** Destinations within which in-country transfers are authorized whoever the parties are. */
        in_country_transfers: countrySet.optional(),
        notification_days: z.number().int().nonnegative(),
        overcomes_headquarters_rule: z.boolean(),
      }),
    ),
    excluded_items: z.array(itemClass),
    HBM: z.array(
      z.strictObject({
        ...dated,
        items: z.array(itemClass).min(1),
        memory_bandwidth_density_lt: z.number().positive(),
        /** Where the exporter (or its ultimate parent) must be headquartered. */
        exporter_headquarters: countrySet.optional(),
      }),
    ),
    LPP: z.array(
      z.strictObject({
        ...dated,
        tpp_per_consignee_per_year: z.number().positive(),
        not_destinations: countrySet,
      }),
    ),
    AIA: z.array(z.strictObject({ ...dated, destinations: countrySet })),
  }),
  red_flags: z.strictObject({
    military_end_use: z.strictObject({ ...undated, end_use_words: endUseWords }),
    consignee_elsewhere: z.strictObject({ ...undated }),
    transshipment_hub: z.strictObject({
      ...undated,
      hubs: countrySet,
      items: z.array(itemClass).min(1),
      /** ICs (systems count each IC they hold) at or above which the shipment is flagged. */
      ic_units_gte: z.number().int().positive(),
    }),
    end_user_unknown: z.strictObject({ ...undated, items: z.array(itemClass).min(1) }),
  }),
  affiliates_rule: z.array(
    z
      .strictObject({
        ...dated,
        in_force: z.boolean(),
        ownership_percent_gte: z.number().positive().max(100).optional(),
        /** Parties located here whose ownership is not known get a red flag while the rule is in force. */
        ownership_unknown_red_flag: countrySet.optional(),
      })
      .refine(
        (a) =>
          !a.in_force ||
          (a.ownership_percent_gte !== undefined && a.ownership_unknown_red_flag !== undefined),
        { error: "an entry in force needs ownership_percent_gte and ownership_unknown_red_flag" },
      ),
  ),
  list_meanings: z.record(listCode, listMeaning),
  review_policy: z.strictObject({
    destination_rule: z.array(
      z.strictObject({
        ...dated,
        default: policy,
        restricted: countrySet.optional(),
        restricted_policy: policy.optional(),
      }),
    ),
    headquarters_rule: z.array(
      z.strictObject({ ...dated, default: policy, datacenter_3a090a: policy.optional() }),
    ),
    hbm_rule: z.array(
      z.strictObject({
        ...dated,
        default: policy,
        restricted_headquarters: countrySet,
        restricted_policy: policy,
      }),
    ),
    worldwide_rule: z.array(
      z.strictObject({
        ...dated,
        default: policy,
        restricted: countrySet,
        restricted_policy: policy,
        favored: countrySet,
        favored_policy: policy,
        country_allocation_tpp: z.number().positive(),
        after_allocation: policy,
      }),
    ),
    supercomputer_end_use: z.array(z.strictObject({ ...dated, default: policy })),
    uae_carve_out: z.array(z.strictObject({ ...dated, default: policy.nullable() })),
    company_notices: z.array(z.strictObject({ ...dated, default: policy.nullable() })),
    envelope_2026: z.array(
      z.strictObject({
        ...dated,
        destinations: countrySet,
        exported_from: countrySet,
        items: z.array(itemClass).min(1),
        tpp_lt: z.number().positive(),
        dram_bandwidth_gbs_lt: z.number().positive(),
        policy,
        otherwise: policy,
        conditions: z
          .array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), text: z.string().min(1) }))
          .min(1),
      }),
    ),
  }),
});
export type Licensing = z.infer<typeof licensingFile>;
export type ReviewPolicyName = z.infer<typeof policy>;
