import type { ReasonCode } from "../reason-codes.js";
import { currencyWarning } from "../rules/currency.js";
import type { Citation, CitedExclusion, CitedParagraph, EccnVersion, RuleBook } from "../rules/rulebook.js";
import type { Condition, ConditionInput, Mode } from "../rules/schema.js";
import { type ExporterFacts, foundryPresumption } from "./foundry.js";
import { companyNoticeNotes, type Note, outsideScopeNote } from "./notes.js";
import type { HbmSpec, IcSpec, ItemSpec, SystemSpec, WeightsSpec } from "./spec.js";
import { computeTpp, type TppComputation } from "./tpp.js";

export interface ClassifyOptions {
  asOf: string;
  mode?: Mode;
  /** Who exports the item: a front-end fabricator or OSAT triggers the foundry presumption (Note 1 to 3A090.a). */
  exporter?: ExporterFacts;
  /** The catalog id of the chip, when it is one: company-specific notices name chips by id. */
  chipId?: string;
  /** Bit length counted for TF32: the rule data's default (32) or its documented alternative (19). */
  tf32BitLength?: number;
}

/** One step of the explanation: a rule applied, with the threshold, the value that met or missed it, and the citation. */
export interface Reason {
  code: ReasonCode;
  message: string;
  paragraph?: string;
  input?: ConditionInput;
  threshold?: { op: "gte" | "gt" | "lt" | "lte" | "eq"; value: number | boolean; unit: string };
  value?: number | boolean | null;
  met?: boolean;
  citation: Citation;
}

export interface Warning {
  code: ReasonCode;
  message: string;
  citation?: Citation;
}

export interface MissingInput {
  field: string;
  message: string;
}

export interface Classification {
  name: string | null;
  kind: "ic" | "hbm" | "weights" | "system";
  asOf: string;
  mode: Mode;
  ruleVersion: { id: string; title: string; from: string } | null;
  tpp: number | null;
  tppFormats: string[];
  performanceDensity: number | null;
  memoryBandwidthDensity: number | null;
  designedForDatacenter: boolean | null;
  eccn: string | null;
  paragraph: string | null;
  status: "determined" | "undetermined";
  reasons: Reason[];
  undetermined: MissingInput[];
  warnings: Warning[];
  /** What the other mode gives on the same date. */
  otherMode: { mode: Mode; eccn: string | null; paragraph: string | null; differs: boolean };
  computation: { perFormat: TppComputation["perFormat"]; sparseHalved: boolean; tf32BitLength: number };
  /** For systems: the classification of the chip they hold. */
  contained?: Classification;
  /** Said beside the ECCN: company-specific notices naming the chip, and what "not 3A090" does not mean. */
  notes: Note[];
}

type Tri = true | false | undefined;
type Inputs = Partial<Record<ConditionInput, number | boolean>>;

/** Which spec field supplies each condition input, for "missing input" messages. */
const inputFields: Record<ConditionInput, string> = {
  tpp: "denseTops",
  pd: "dieAreaMm2",
  io: "interconnectGBs",
  datacenter: "datacenter",
  mbd: "memoryBandwidthGBs",
  trainingOps: "trainingOps",
  weightsPublished: "weightsPublished",
};

const opWords = { gte: ">=", gt: ">", lt: "<", lte: "<=", eq: "=" } as const;

function conditionOp(c: Condition): { op: keyof typeof opWords; value: number | boolean } {
  if (c.gte !== undefined) return { op: "gte", value: c.gte };
  if (c.gt !== undefined) return { op: "gt", value: c.gt };
  if (c.lt !== undefined) return { op: "lt", value: c.lt };
  if (c.lte !== undefined) return { op: "lte", value: c.lte };
  return { op: "eq", value: c.eq! };
}

function test(c: Condition, inputs: Inputs): Tri {
  const v = inputs[c.input];
  if (v === undefined) return undefined;
  const { op, value } = conditionOp(c);
  switch (op) {
    case "gte":
      return (v as number) >= (value as number);
    case "gt":
      return (v as number) > (value as number);
    case "lt":
      return (v as number) < (value as number);
    case "lte":
      return (v as number) <= (value as number);
    case "eq":
      return v === value;
  }
}

/** Three-valued AND: one false decides; otherwise any unknown leaves it unknown. */
function all(conditions: readonly Condition[], inputs: Inputs): Tri {
  const results = conditions.map((c) => test(c, inputs));
  if (results.includes(false)) return false;
  return results.includes(undefined) ? undefined : true;
}

/** 15831.2 -> "15,831.2"; 2.90909 -> "2.91"; 3e26 -> "3.00e+26". (toLocaleString is too slow for batch runs.) */
export function formatNumber(n: number): string {
  if (Math.abs(n) >= 1e15) return n.toExponential(2);
  const text = (Math.round(n * 100) / 100).toString();
  const dot = text.indexOf(".");
  const int = dot < 0 ? text : text.slice(0, dot);
  const sign = int.startsWith("-") ? "-" : "";
  const digits = sign ? int.slice(1) : int;
  let grouped = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += ",";
    grouped += digits[i];
  }
  return sign + grouped + (dot < 0 ? "" : text.slice(dot));
}

function show(v: number | boolean | undefined): string {
  if (v === undefined) return "unknown";
  return typeof v === "boolean" ? String(v) : formatNumber(v);
}

const inputLabels: Record<ConditionInput, string> = {
  tpp: "TPP",
  pd: "performance density",
  io: "aggregate bidirectional I/O",
  datacenter: "designed or marketed for datacenters",
  mbd: "memory bandwidth density",
  trainingOps: "training operations",
  weightsPublished: "weights published",
};

function conditionReason(
  c: Condition,
  inputs: Inputs,
  owner: { id: string; cite: CitedParagraph["cite"] },
  rules: RuleBook,
): Reason {
  const { op, value } = conditionOp(c);
  const v = inputs[c.input];
  const met = test(c, inputs);
  const verdict = met === undefined ? "cannot be evaluated (input missing)" : met ? "met" : "not met";
  const unit = c.unit === "boolean" || c.unit === "tpp" ? "" : ` ${c.unit}`;
  return {
    code: met === undefined ? "CONDITION_UNKNOWN" : met ? "CONDITION_MET" : "CONDITION_NOT_MET",
    message: `${owner.id} (${c.text}): ${inputLabels[c.input]} = ${show(v)}${v === undefined ? "" : unit}, needs ${opWords[op]} ${show(value)}${unit} — ${verdict}`,
    paragraph: owner.id,
    input: c.input,
    threshold: { op, value, unit: c.unit },
    value: v ?? null,
    ...(met !== undefined && { met }),
    citation: rules.cite(owner.cite),
  };
}

/** The ECCN-level name of a paragraph: 3A090.a.2 -> 3A090.a; 4E091 -> 4E091. */
export function eccnOf(paragraph: string): string {
  const parts = paragraph.split(".");
  return parts.slice(0, 2).join(".");
}

interface Evaluation {
  paragraph: string | null;
  reasons: Reason[];
  missing: MissingInput[];
  uncertain: string[];
  nearThreshold: Reason[];
}

/** Walks exclusions then paragraphs of one ECCN version for one kind of item. */
function evaluateVersion(
  version: EccnVersion,
  kind: "ic" | "hbm" | "weights",
  inputs: Inputs,
  rules: RuleBook,
): Evaluation {
  const reasons: Reason[] = [];
  const missing = new Map<string, MissingInput>();
  const uncertain: string[] = [];
  const nearThreshold: Reason[] = [];
  // An exclusion that cannot be evaluated matters only if some paragraph could apply.
  let exclusionUnknown = false;
  let paragraphUnknown = false;
  const noteMissing = (conds: readonly Condition[], why: string) => {
    for (const c of conds) {
      if (inputs[c.input] === undefined && !missing.has(inputFields[c.input])) {
        missing.set(inputFields[c.input], { field: inputFields[c.input], message: why });
      }
    }
  };
  const near = (conds: readonly Condition[], owner: CitedParagraph | CitedExclusion) => {
    for (const c of conds) {
      const v = inputs[c.input];
      const { value } = conditionOp(c);
      if (
        typeof v === "number" &&
        typeof value === "number" &&
        value !== 0 &&
        Math.abs(v - value) / value <= 0.01
      ) {
        nearThreshold.push(conditionReason(c, inputs, owner, rules));
      }
    }
  };

  const exclusions = kind === "ic" ? version.exclusions : [];
  for (const ex of exclusions) {
    const r = all(ex.all, inputs);
    if (r === true) {
      near(ex.all, ex);
      uncertain.push(...ex.uncertain);
      for (const c of ex.all) reasons.push(conditionReason(c, inputs, ex, rules));
      reasons.push({
        code: "EXCLUDED",
        message: `${ex.id}: ${ex.title}.`,
        paragraph: ex.id,
        citation: rules.cite(ex.cite),
      });
      return { paragraph: null, reasons, missing: [], uncertain, nearThreshold };
    }
    if (r === undefined) {
      exclusionUnknown = true;
      noteMissing(ex.all, `needed to decide whether ${ex.id} applies (${ex.title})`);
      uncertain.push(...ex.uncertain);
    }
  }

  for (const p of version.paragraphs.filter((x) => x.applies_to === kind)) {
    const r = all(p.all, inputs);
    if (r === true) {
      near(p.all, p);
      uncertain.push(...p.uncertain);
      for (const c of p.all) reasons.push(conditionReason(c, inputs, p, rules));
      if (exclusionUnknown || paragraphUnknown) {
        return { paragraph: null, reasons, missing: [...missing.values()], uncertain, nearThreshold };
      }
      return { paragraph: p.id, reasons, missing: [], uncertain, nearThreshold };
    }
    if (r === false) {
      // The first condition that fails is the one that explains the miss.
      const failing = p.all.find((c) => test(c, inputs) === false)!;
      near([failing], p);
      reasons.push(conditionReason(failing, inputs, p, rules));
    } else {
      paragraphUnknown = true;
      noteMissing(p.all, `needed to decide whether ${p.id} applies (${p.title})`);
      for (const c of p.all) reasons.push(conditionReason(c, inputs, p, rules));
    }
  }
  const stillOpen = paragraphUnknown ? [...missing.values()] : [];
  return { paragraph: null, reasons, missing: stillOpen, uncertain, nearThreshold };
}

function datacenterOf(spec: IcSpec): boolean | undefined {
  if (spec.datacenter !== undefined) return spec.datacenter;
  if (spec.segment !== undefined) return spec.segment === "datacenter";
  return undefined;
}

function icInputs(spec: IcSpec, tpp: number | null): Inputs {
  const inputs: Inputs = {};
  if (tpp !== null) inputs.tpp = tpp;
  if (tpp !== null && spec.dieAreaMm2 !== undefined) inputs.pd = tpp / spec.dieAreaMm2;
  if (spec.interconnectGBs !== undefined) inputs.io = spec.interconnectGBs;
  const dc = datacenterOf(spec);
  if (dc !== undefined) inputs.datacenter = dc;
  return inputs;
}

const ECCN_BY_KIND = { ic: "3A090", hbm: "3A090", weights: "4E091" } as const;

function classifyOnce(
  spec: ItemSpec,
  rules: RuleBook,
  asOf: string,
  mode: Mode,
  tf32Bits: number,
  exporter?: ExporterFacts,
): Classification {
  const bitLength = { ...rules.bitLength, tf32: tf32Bits };
  const kind = spec.kind ?? "ic";
  const rv = rules.ruleVersionAt(asOf, mode);
  const base = {
    name: spec.name ?? null,
    kind,
    asOf,
    mode,
    ruleVersion: rv ? { id: rv.id, title: rv.title, from: rv.from } : null,
    tpp: null as number | null,
    tppFormats: [] as string[],
    performanceDensity: null as number | null,
    memoryBandwidthDensity: null as number | null,
    designedForDatacenter: null as boolean | null,
    otherMode: { mode, eccn: null, paragraph: null, differs: false },
    notes: [] as Note[],
    computation: {
      perFormat: [] as TppComputation["perFormat"],
      sparseHalved: false,
      tf32BitLength: tf32Bits,
    },
  };

  if (kind === "system") {
    const sys = spec as SystemSpec;
    const inner = classifyOnce(sys.chip, rules, asOf, mode, tf32Bits);
    const version = rules.eccnAt("4A090", asOf);
    const reasons: Reason[] = [];
    const warnings: Warning[] = [...inner.warnings];
    let paragraph: string | null = null;
    if (version && inner.paragraph) {
      const key = Object.keys(version.contains).find((k) => inner.paragraph!.startsWith(k));
      if (key) {
        const citation = rules.cite(version.cite);
        if (sys.otherwiseEccn && version.zParagraphs.includes(sys.otherwiseEccn)) {
          paragraph = `${sys.otherwiseEccn}.z`;
          reasons.push({
            code: "Z_PARAGRAPH",
            message: `The item would otherwise be ${sys.otherwiseEccn} but contains a ${inner.paragraph} IC, so it takes ${paragraph}.`,
            paragraph,
            citation,
          });
        } else {
          paragraph = version.contains[key]!;
          reasons.push({
            code: "CONTAINS_3A090",
            message: `Contains ${sys.count} x ${inner.paragraph} IC: ${paragraph} (the test is what the system contains, not the sum of its ICs).`,
            paragraph,
            citation,
          });
        }
        for (const u of version.uncertain)
          warnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation });
      }
    }
    if (!paragraph && inner.status === "determined") {
      reasons.push({
        code: "CONTAINS_NO_3A090",
        message: `The contained IC is not 3A090.a/.b on ${asOf}, so the system is not 4A090.`,
        citation: inner.reasons[0]?.citation ?? rules.cite(rules.technicalNotesCite),
      });
    }
    return {
      ...base,
      tpp: inner.tpp,
      tppFormats: inner.tppFormats,
      performanceDensity: inner.performanceDensity,
      designedForDatacenter: inner.designedForDatacenter,
      computation: inner.computation,
      eccn: paragraph ? eccnOf(paragraph) : null,
      paragraph,
      status: inner.status,
      reasons,
      undetermined: inner.undetermined.map((m) => ({ field: `chip.${m.field}`, message: m.message })),
      warnings,
      contained: inner,
    };
  }

  let inputs: Inputs = {};
  const reasons: Reason[] = [];
  const warnings: Warning[] = [];
  const tnCitation = rules.cite(rules.technicalNotesCite);
  if (kind === "ic") {
    const ic = spec as IcSpec;
    const t = computeTpp(ic, bitLength);
    inputs = icInputs(ic, t.tpp);
    base.tpp = t.tpp;
    base.tppFormats = t.formats;
    base.performanceDensity = inputs.pd === undefined ? null : (inputs.pd as number);
    base.designedForDatacenter = datacenterOf(ic) ?? null;
    base.computation = { perFormat: t.perFormat, sparseHalved: t.sparseHalved, tf32BitLength: tf32Bits };
    if (t.tpp !== null) {
      const best = t.perFormat.find((f) => f.format === t.formats[0])!;
      reasons.push({
        code: "TPP_COMPUTED",
        message: `TPP = dense TOPS x bit length, maximized over formats: ${formatNumber(best.tops)} ${best.format} TOPS x ${best.bitLength} bits = ${formatNumber(t.tpp)} (reached by ${t.formats.join(", ")}).`,
        input: "tpp",
        value: t.tpp,
        citation: tnCitation,
      });
      if (inputs.pd !== undefined) {
        reasons.push({
          code: "PD_COMPUTED",
          message: `Performance density = TPP / applicable die area = ${formatNumber(t.tpp)} / ${formatNumber(ic.dieAreaMm2!)} mm2 = ${formatNumber(inputs.pd as number)}.`,
          input: "pd",
          value: inputs.pd as number,
          citation: tnCitation,
        });
      }
    }
    if (t.sparseHalved) {
      warnings.push({
        code: "SPARSE_HALVED",
        message:
          'The throughput figures were declared sparse ("sparse": true) and were halved to dense values.',
        citation: tnCitation,
      });
    }
  } else if (kind === "hbm") {
    const hbm = spec as HbmSpec;
    inputs.mbd = hbm.memoryBandwidthGBs / hbm.packageAreaMm2;
    base.memoryBandwidthDensity = inputs.mbd;
    reasons.push({
      code: "MBD_COMPUTED",
      message: `Memory bandwidth density = ${formatNumber(hbm.memoryBandwidthGBs)} GB/s / ${formatNumber(hbm.packageAreaMm2)} mm2 = ${formatNumber(inputs.mbd)} GB/s/mm2.`,
      input: "mbd",
      value: inputs.mbd,
      citation: tnCitation,
    });
  } else {
    const w = spec as WeightsSpec;
    inputs.trainingOps = w.trainingOps;
    inputs.weightsPublished = w.weightsPublished;
  }

  const eccn = ECCN_BY_KIND[kind];
  const version = rules.eccnAt(eccn, asOf);
  if (!version) {
    const first = rules.eccnVersions(eccn)[0];
    reasons.push({
      code: "NOT_YET_IN_FORCE",
      message: `ECCN ${eccn} was not in force on ${asOf}${first ? ` (it takes effect on ${first.from})` : ""}.`,
      citation: rules.cite(first?.cite ?? rules.technicalNotesCite),
    });
    return {
      ...base,
      eccn: null,
      paragraph: null,
      status: "determined",
      reasons,
      undetermined: [],
      warnings,
    };
  }

  const ev = evaluateVersion(version, kind, inputs, rules);
  reasons.push(...ev.reasons);
  const citation = rules.cite(version.cite);
  for (const u of [...version.uncertain, ...ev.uncertain]) {
    warnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation });
  }
  if (version.compliance && asOf < version.compliance) {
    warnings.push({
      code: "BEFORE_COMPLIANCE_DATE",
      message: `The ${version.eccn} version effective ${version.from} has a compliance date of ${version.compliance}.`,
      citation,
    });
  }
  for (const r of ev.nearThreshold) {
    warnings.push({
      code: "NEAR_THRESHOLD",
      message: `Within 1% of a threshold — ${r.message}. Check the inputs' precision and source.`,
      citation: r.citation,
    });
  }
  for (const p of version.paragraphs.filter((x) => x.applies_to === kind)) {
    for (const c of p.all) {
      if (c.boundary_uncertain !== undefined && inputs[c.input] === conditionOp(c).value) {
        warnings.push({
          code: "COMPARATOR_UNCERTAIN",
          message: `${p.id}: ${inputLabels[c.input]} is exactly at the threshold ${show(conditionOp(c).value)}. ${c.boundary_uncertain}`,
          citation: rules.cite(p.cite),
        });
      }
    }
  }
  if (ev.paragraph) {
    const p = version.paragraphs.find((x) => x.id === ev.paragraph)!;
    reasons.push({
      code: "PARAGRAPH_APPLIES",
      message: `${p.id} applies: ${p.title}.`,
      paragraph: p.id,
      citation: rules.cite(p.cite),
    });
  } else if (ev.missing.length === 0 && !reasons.some((r) => r.code === "EXCLUDED")) {
    reasons.push({
      code: "NO_PARAGRAPH_APPLIES",
      message: `No paragraph of ${eccn} in force on ${asOf} (version effective ${version.from}) applies.`,
      citation,
    });
  }
  let paragraph = ev.paragraph;
  let missing = ev.missing;
  const foundry =
    kind === "ic" ? foundryPresumption(spec as IcSpec, version, exporter, asOf, rules) : undefined;
  if (foundry) {
    reasons.push(...foundry.reasons);
    warnings.push(...foundry.warnings);
    if (foundry.kind === "presumed") {
      paragraph = foundry.paragraph;
      missing = [];
      base.designedForDatacenter = true;
    } else if (foundry.kind === "undetermined") {
      paragraph = null;
      missing = foundry.missing;
    } else if (foundry.kind === "rebutted" && base.tpp === null) {
      // With the presumption rebutted and no performance figures, the exporter relies on the route's attestation.
      missing = [];
      warnings.push({
        code: "FOUNDRY_ROUTE_RELIED",
        message: `Route ${foundry.route} rebuts the presumption and no performance figures were given: ChipGate does not classify the IC further. The exporter relies on the attestation and must not know the IC to be 3A090.`,
        citation,
      });
    }
  }
  return {
    ...base,
    eccn: paragraph ? eccnOf(paragraph) : null,
    paragraph,
    status: missing.length ? "undetermined" : "determined",
    reasons,
    undetermined: missing,
    warnings,
  };
}

/**
 * Classifies one item (IC, HBM stack, model weights or a system holding ICs) under the rules in force on
 * `asOf`, explaining each threshold, and never guessing: a missing input that decides the outcome makes the
 * answer "undetermined" naming that input.
 *
 * @example classify({ denseTops: { fp8: 1979 }, dieAreaMm2: 814, datacenter: true }, rules, { asOf: "2024-06-01" })
 */
export function classify(spec: ItemSpec, rules: RuleBook, options: ClassifyOptions): Classification {
  const mode = options.mode ?? "as-enforced";
  const tf32 = options.tf32BitLength ?? rules.bitLength.tf32!;
  const result = classifyOnce(spec, rules, options.asOf, mode, tf32, options.exporter);

  const otherMode: Mode = mode === "as-enforced" ? "as-codified" : "as-enforced";
  // Before any rule data differs by mode, the other mode's answer is this one.
  const other =
    options.asOf < rules.modesDivergeFrom
      ? result
      : classifyOnce(spec, rules, options.asOf, otherMode, tf32, options.exporter);
  result.otherMode = {
    mode: otherMode,
    eccn: other.eccn,
    paragraph: other.paragraph,
    differs: other.paragraph !== result.paragraph || other.status !== result.status,
  };
  if (result.otherMode.differs) {
    result.warnings.push({
      code: "MODE_DIVERGENCE",
      message: `In ${otherMode} mode the result would be ${other.paragraph ?? "not controlled"}.`,
    });
  }

  if (result.status === "determined" && result.paragraph === null)
    result.notes.push(outsideScopeNote(rules, options.asOf));
  if (options.chipId) result.notes.push(...companyNoticeNotes(options.chipId, rules, options.asOf, mode));
  const stale = currencyWarning(rules, options.asOf);
  if (stale) result.warnings.push(stale);

  const alternative = tf32 === rules.bitLength.tf32 ? rules.tf32AlternativeBitLength : rules.bitLength.tf32!;
  if (tf32ChangesTpp(spec, rules, tf32, alternative)) {
    const alt = classifyOnce(spec, rules, options.asOf, mode, alternative, options.exporter);
    if (alt.paragraph !== result.paragraph || alt.status !== result.status) {
      result.warnings.push({
        code: "TF32_BIT_LENGTH_MATTERS",
        message: `Counting TF32 as ${alternative} bits instead of ${tf32} would give ${alt.paragraph ?? (alt.status === "undetermined" ? "an undetermined result" : "not controlled")} (TPP ${alt.tpp === null ? "unknown" : formatNumber(alt.tpp)}).`,
        citation: rules.cite(rules.technicalNotesCite),
      });
    }
  }
  return result;
}

/** The classification depends on the bit lengths only through TPP, so an unchanged TPP means an unchanged result. */
function tf32ChangesTpp(spec: ItemSpec, rules: RuleBook, tf32: number, alternative: number): boolean {
  if (spec.kind === "system") return tf32ChangesTpp(spec.chip, rules, tf32, alternative);
  if (spec.kind === "hbm" || spec.kind === "weights" || spec.denseTops?.tf32 === undefined) return false;
  const tpp = (bits: number) => computeTpp(spec, { ...rules.bitLength, tf32: bits }).tpp;
  return tpp(tf32) !== tpp(alternative);
}
