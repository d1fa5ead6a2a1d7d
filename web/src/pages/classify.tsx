import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiFailure, api, isAbort } from "../api";
import { RoleNote, useCan } from "../auth";
import { Badge, ErrorBox, ModeOptions, PageTitle, useApi, useDebounced } from "../components/common";
import { Reasons, Warnings } from "../components/reasons";
import { chipName, num, statusColor, statusOf, todayIso } from "../format";
import { useLocation } from "../router";
import type { CatalogChip, ClassifyResult, Mode } from "../types";

const FORMATS = ["fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "fp6", "fp4", "int8", "int4"] as const;

interface Form {
  name: string;
  tops: Record<string, string>;
  dieAreaMm2: string;
  memoryBandwidthGBs: string;
  interconnectGBs: string;
  datacenter: "yes" | "no" | "unknown";
  sparse: boolean;
  date: string;
  mode: Mode;
}

const empty: Form = {
  name: "",
  tops: {},
  dieAreaMm2: "",
  memoryBandwidthGBs: "",
  interconnectGBs: "",
  datacenter: "yes",
  sparse: false,
  date: todayIso(),
  mode: "as-enforced",
};

function fromChip(c: CatalogChip, form: Form): Form {
  const tops: Record<string, string> = {};
  for (const [f, v] of Object.entries(c.spec.denseTops ?? {})) tops[f] = String(v);
  return {
    ...form,
    name: chipName(c),
    tops,
    dieAreaMm2: c.spec.dieAreaMm2 !== undefined ? String(c.spec.dieAreaMm2) : "",
    memoryBandwidthGBs: c.spec.memoryBandwidthGBs !== undefined ? String(c.spec.memoryBandwidthGBs) : "",
    interconnectGBs: c.spec.interconnectGBs !== undefined ? String(c.spec.interconnectGBs) : "",
    datacenter:
      c.spec.datacenter === undefined
        ? c.segment === "datacenter"
          ? "yes"
          : "no"
        : c.spec.datacenter
          ? "yes"
          : "no",
    sparse: c.spec.sparse === true,
  };
}

/** Builds the spec, or the fields that are not numbers. */
function toSpec(form: Form): { spec: Record<string, unknown>; bad: Record<string, string> } {
  const bad: Record<string, string> = {};
  const number = (path: string, text: string, positive = false): number | undefined => {
    const t = text.trim().replace(/,/g, "");
    if (t === "") return undefined;
    const n = Number(t);
    if (!Number.isFinite(n)) bad[path] = "enter a number";
    else if (n < 0 || (positive && n === 0))
      bad[path] = positive ? "must be greater than zero" : "must not be negative";
    return n;
  };
  const denseTops: Record<string, number> = {};
  for (const f of FORMATS) {
    const v = number(`spec.denseTops.${f}`, form.tops[f] ?? "");
    if (v !== undefined) denseTops[f] = v;
  }
  const spec: Record<string, unknown> = { denseTops };
  if (form.name.trim()) spec.name = form.name.trim();
  const die = number("spec.dieAreaMm2", form.dieAreaMm2, true);
  if (die !== undefined) spec.dieAreaMm2 = die;
  const mem = number("spec.memoryBandwidthGBs", form.memoryBandwidthGBs);
  if (mem !== undefined) spec.memoryBandwidthGBs = mem;
  const io = number("spec.interconnectGBs", form.interconnectGBs);
  if (io !== undefined) spec.interconnectGBs = io;
  if (form.datacenter !== "unknown") spec.datacenter = form.datacenter === "yes";
  if (form.sparse) spec.sparse = true;
  return { spec, bad };
}

export default function ClassifyPage() {
  const { search } = useLocation();
  const canClassify = useCan("analyst");
  const [form, setForm] = useState<Form>(empty);
  const chips = useApi<{ chips: CatalogChip[] }>("/v1/chips?limit=1000");
  const start = search.get("chip");
  const [picked, setPicked] = useState(start ?? "");
  useEffect(() => {
    const c = chips.data?.chips.find((x) => x.id === picked);
    if (c) setForm((f) => fromChip(c, f));
  }, [picked, chips.data]);

  const { spec, bad } = useMemo(() => toSpec(form), [form]);
  const request = useDebounced(JSON.stringify({ spec, date: form.date, mode: form.mode }), 250);
  const [result, setResult] = useState<ClassifyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const hasBad = Object.keys(bad).length > 0;

  useEffect(() => {
    if (!canClassify || hasBad) return;
    const ctrl = new AbortController();
    setBusy(true);
    api<ClassifyResult>("/v1/classify", { json: JSON.parse(request), signal: ctrl.signal }).then(
      (r) => {
        setResult(r);
        setError(null);
        setBusy(false);
      },
      (e: unknown) => {
        if (isAbort(e)) return;
        setError(e);
        setBusy(false);
      },
    );
    return () => ctrl.abort();
  }, [request, canClassify, hasBad]);

  const fieldError = (path: string) =>
    bad[path] ??
    (error instanceof ApiFailure ? error.issues.find((i) => i.path === path)?.message : undefined);
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const numberInput = (
    id: string,
    label: string,
    path: string,
    value: string,
    onValue: (v: string) => void,
    unit: string,
  ) => {
    const err = fieldError(path);
    return (
      <div class="field">
        <label for={id}>
          {label} <span class="muted">({unit})</span>
        </label>
        <input
          id={id}
          inputMode="decimal"
          value={value}
          disabled={!canClassify}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? `${id}-err` : undefined}
          onInput={(e) => onValue((e.target as HTMLInputElement).value)}
        />
        {err && (
          <span class="field-error" id={`${id}-err`}>
            {err}
          </span>
        )}
      </div>
    );
  };

  const key = result ? statusOf(result) : "none";
  return (
    <section>
      <PageTitle title="Classify a chip">Classify your own chip</PageTitle>
      <p class="lede">
        Enter what the datasheet says; the classification and its explanation update as you type. Leave a
        field empty when you do not know it: ChipGate says when a missing figure decides the outcome, and
        never guesses.
      </p>
      <RoleNote need="analyst" />
      <div class="grid2">
        <form class="card" onSubmit={(e) => e.preventDefault()} aria-label="Chip specification">
          <div class="field">
            <label for="start-chip">Start from a catalog chip (optional)</label>
            <select
              id="start-chip"
              value={picked}
              disabled={!canClassify}
              onChange={(e) => setPicked((e.target as HTMLSelectElement).value)}
            >
              <option value="">— blank form —</option>
              {(chips.data?.chips ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {chipName(c)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="chip-name">Name</label>
            <input
              id="chip-name"
              value={form.name}
              disabled={!canClassify}
              onInput={(e) => set({ name: (e.target as HTMLInputElement).value })}
            />
          </div>
          <fieldset>
            <legend>Dense TOPS / TFLOPS per number format</legend>
            <p class="muted small">
              Dense (not sparse) throughput. TPP = TOPS × bit length, highest over formats.
            </p>
            <div class="tops">
              {FORMATS.map((f) =>
                numberInput(
                  `tops-${f}`,
                  f.toUpperCase(),
                  `spec.denseTops.${f}`,
                  form.tops[f] ?? "",
                  (v) => setForm((x) => ({ ...x, tops: { ...x.tops, [f]: v } })),
                  "TOPS",
                ),
              )}
            </div>
            <label class="check">
              <input
                type="checkbox"
                checked={form.sparse}
                disabled={!canClassify}
                onChange={(e) => set({ sparse: (e.target as HTMLInputElement).checked })}
              />
              These figures are with sparsity (halve them)
            </label>
          </fieldset>
          <div class="tops">
            {numberInput(
              "die-area",
              "Die area",
              "spec.dieAreaMm2",
              form.dieAreaMm2,
              (v) => set({ dieAreaMm2: v }),
              "mm²",
            )}
            {numberInput(
              "mem-bw",
              "Memory bandwidth",
              "spec.memoryBandwidthGBs",
              form.memoryBandwidthGBs,
              (v) => set({ memoryBandwidthGBs: v }),
              "GB/s",
            )}
            {numberInput(
              "io-bw",
              "Interconnect (aggregate I/O)",
              "spec.interconnectGBs",
              form.interconnectGBs,
              (v) => set({ interconnectGBs: v }),
              "GB/s",
            )}
          </div>
          <fieldset>
            <legend>Designed or marketed for datacenters?</legend>
            <div class="radios">
              {(["yes", "no", "unknown"] as const).map((v) => (
                <label key={v} class="check">
                  <input
                    type="radio"
                    name="datacenter"
                    value={v}
                    checked={form.datacenter === v}
                    disabled={!canClassify}
                    onChange={() => set({ datacenter: v })}
                  />
                  {v === "yes" ? "Yes" : v === "no" ? "No" : "Not known"}
                </label>
              ))}
            </div>
          </fieldset>
          <div class="tops">
            <div class="field">
              <label for="cls-date">Export date</label>
              <input
                id="cls-date"
                type="date"
                value={form.date}
                disabled={!canClassify}
                onInput={(e) => {
                  const v = (e.target as HTMLInputElement).value;
                  if (v) set({ date: v });
                }}
              />
            </div>
            <div class="field">
              <label for="cls-mode">Mode</label>
              <select
                id="cls-mode"
                value={form.mode}
                disabled={!canClassify}
                onChange={(e) => set({ mode: (e.target as HTMLSelectElement).value as Mode })}
              >
                <ModeOptions />
              </select>
            </div>
          </div>
        </form>
        <div class="result" aria-live="polite" aria-busy={busy}>
          <h2>Result</h2>
          {hasBad && <p class="error">Fix the fields marked in the form to see a result.</p>}
          {!hasBad && <ErrorBox error={error} title="Cannot classify" />}
          {result && (
            <div class={`outcome-card ${busy ? "stale" : ""}`} data-testid="classify-result">
              <p class="headline" style={{ color: statusColor[key] }}>
                {result.status === "undetermined"
                  ? "Undetermined"
                  : result.paragraph
                    ? `ECCN ${result.paragraph}`
                    : result.eccn
                      ? `ECCN ${result.eccn}`
                      : "Not in ECCN 3A090"}
              </p>
              <p class="muted small">
                On {result.asOf}, {result.mode}, rule version <code>{result.ruleVersion?.id ?? "none"}</code>
                {result.ruleVersion && ` — ${result.ruleVersion.title}`}
              </p>
              <dl class="figures">
                <div>
                  <dt>TPP</dt>
                  <dd data-testid="tpp">{num(result.tpp)}</dd>
                </div>
                <div>
                  <dt>Performance density</dt>
                  <dd>{num(result.performanceDensity)}</dd>
                </div>
                <div>
                  <dt>From format</dt>
                  <dd>{result.tppFormats.join(", ") || "—"}</dd>
                </div>
                <div>
                  <dt>Datacenter</dt>
                  <dd>
                    {result.designedForDatacenter === null
                      ? "not known"
                      : result.designedForDatacenter
                        ? "yes"
                        : "no"}
                  </dd>
                </div>
              </dl>
              {result.undetermined.length > 0 && (
                <div class="note">
                  <strong>Missing data decides the outcome:</strong>
                  <ul>
                    {result.undetermined.map((u) => (
                      <li key={u.field}>
                        <code>{u.field}</code>: {u.message}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
              <p>
                <Badge color={result.otherMode.differs ? "#b36b00" : "#6b7280"}>
                  {result.otherMode.mode}:{" "}
                  {result.otherMode.paragraph ?? result.otherMode.eccn ?? "not in 3A090"}
                  {result.otherMode.differs ? " (differs)" : " (same)"}
                </Badge>
              </p>
              <h3>Why</h3>
              <Reasons reasons={result.reasons} />
              <Warnings warnings={result.warnings} />
              {result.computation.perFormat.length > 0 && (
                <details>
                  <summary>TPP by format</summary>
                  <table class="plain">
                    <thead>
                      <tr>
                        <th scope="col">Format</th>
                        <th scope="col" class="num">
                          TOPS
                        </th>
                        <th scope="col" class="num">
                          Bits
                        </th>
                        <th scope="col" class="num">
                          TPP
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {result.computation.perFormat.map((p) => (
                        <tr key={p.format}>
                          <td>{p.format}</td>
                          <td class="num">{num(p.tops)}</td>
                          <td class="num">{p.bitLength}</td>
                          <td class="num">{num(p.tpp)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </details>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
