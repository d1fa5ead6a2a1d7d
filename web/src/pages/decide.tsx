import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiFailure, api } from "../api";
import { RoleNote, useCan } from "../auth";
import { ErrorBox, ModeOptions, PageTitle, useApi } from "../components/common";
import { DecisionView } from "../components/decision-view";
import { chipName, countryNames, todayIso } from "../format";
import { useLocation } from "../router";
import type { CatalogChip, DecisionCreated, Mode } from "../types";

/** A yes/no fact that may also be unknown (left out of the request). */
type Tri = "" | "yes" | "no";
type ItemKind = "chip" | "ic" | "hbm" | "weights" | "system";

interface ItemForm {
  kind: ItemKind;
  chip: string;
  quantity: string;
  name: string;
  /** Dense throughput as "fp8=1979, fp16=990". */
  tops: string;
  sparse: boolean;
  dieAreaMm2: string;
  memoryBandwidthGBs: string;
  datacenter: Tri;
  processNodeNm: string;
  nonPlanarTransistors: Tri;
  transistorCount: string;
  hasHbm: Tri;
  designerApproved: Tri;
  packagedByApprovedOsat: Tri;
  packageAreaMm2: string;
  trainingOps: string;
  weightsPublished: Tri;
  count: string;
  otherwiseEccn: string;
}

interface OwnerForm {
  name: string;
  country: string;
  share: string;
}

interface PartyForm {
  name: string;
  country: string;
  headquarters: string;
  government: boolean;
  ownership: "" | "known" | "unknown";
  owners: OwnerForm[];
}

const noParty: PartyForm = {
  name: "",
  country: "",
  headquarters: "",
  government: false,
  ownership: "",
  owners: [],
};

const newItem = (chip: string, quantity = "1"): ItemForm => ({
  kind: "chip",
  chip,
  quantity,
  name: "",
  tops: "",
  sparse: false,
  dieAreaMm2: "",
  memoryBandwidthGBs: "",
  datacenter: "",
  processNodeNm: "",
  nonPlanarTransistors: "",
  transistorCount: "",
  hasHbm: "",
  designerApproved: "",
  packagedByApprovedOsat: "",
  packageAreaMm2: "",
  trainingOps: "",
  weightsPublished: "",
  count: "8",
  otherwiseEccn: "",
});

const EXPORTER_ROLES = ["front-end-fabricator", "osat", "designer", "distributor", "other"] as const;

/** A number when the text is one; otherwise the text, so the API names the field and says what it accepts. */
function numberOrText(text: string): number | string | undefined {
  const t = text.trim().replace(/,/g, "");
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

const tri = (t: Tri) => (t === "" ? undefined : t === "yes");

/** Keys whose value is undefined are left out. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ""));
}

function denseTops(text: string): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const part of text.split(/[,;]/)) {
    const [format, value] = part.split("=").map((s) => s.trim());
    if (format) out[format.toLowerCase()] = numberOrText(value ?? "") ?? "";
  }
  return out;
}

function icSpec(i: ItemForm): Record<string, unknown> {
  const fabrication = defined({
    processNodeNm: numberOrText(i.processNodeNm),
    nonPlanarTransistors: tri(i.nonPlanarTransistors),
    transistorCount: numberOrText(i.transistorCount),
    hasHbm: tri(i.hasHbm),
    designerApproved: tri(i.designerApproved),
    packagedByApprovedOsat: tri(i.packagedByApprovedOsat),
  });
  return defined({
    kind: "ic",
    name: i.name.trim() || undefined,
    denseTops: i.tops.trim() ? denseTops(i.tops) : undefined,
    sparse: i.sparse || undefined,
    dieAreaMm2: numberOrText(i.dieAreaMm2),
    memoryBandwidthGBs: numberOrText(i.memoryBandwidthGBs),
    datacenter: tri(i.datacenter),
    fabrication: Object.keys(fabrication).length ? fabrication : undefined,
  });
}

/** The item as the API takes it. */
function item(i: ItemForm): Record<string, unknown> {
  const quantity = numberOrText(i.quantity) ?? 1;
  const name = i.name.trim() || undefined;
  const spec = (fields: Record<string, unknown>) => ({ spec: defined({ name, ...fields }), quantity });
  switch (i.kind) {
    case "chip":
      return { chip: i.chip, quantity };
    case "ic":
      return { spec: icSpec(i), quantity };
    case "hbm":
      return spec({
        kind: "hbm",
        memoryBandwidthGBs: numberOrText(i.memoryBandwidthGBs),
        packageAreaMm2: numberOrText(i.packageAreaMm2),
      });
    case "weights":
      return spec({
        kind: "weights",
        trainingOps: numberOrText(i.trainingOps),
        weightsPublished: tri(i.weightsPublished),
      });
    case "system":
      return {
        system: defined({
          name,
          chip: i.chip,
          count: numberOrText(i.count),
          otherwiseEccn: i.otherwiseEccn.trim().toUpperCase() || undefined,
        }),
        quantity,
      };
  }
}

/** The party as the API takes it, or nothing when it has no name. */
function party(p: PartyForm): Record<string, unknown> | undefined {
  if (!p.name.trim()) return undefined;
  const owners = p.owners
    .filter((o) => o.name.trim())
    .map((o) =>
      defined({
        name: o.name.trim(),
        country: o.country.trim().toUpperCase() || undefined,
        sharePercent: numberOrText(o.share),
      }),
    );
  return defined({
    name: p.name.trim(),
    country: p.country.trim().toUpperCase() || undefined,
    headquarters: p.headquarters.trim().toUpperCase() || undefined,
    government: p.government || undefined,
    ownershipKnown: p.ownership === "" ? undefined : p.ownership === "known",
    owners: owners.length ? owners : undefined,
  });
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function CountryInput({
  id,
  label,
  value,
  onValue,
  disabled,
  error,
  required,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (v: string) => void;
  disabled: boolean;
  error: string | undefined;
  required?: boolean;
}) {
  return (
    <div class="field">
      <label for={id}>
        {label} <span class="muted">(2-letter code)</span>
      </label>
      <input
        id={id}
        list="country-codes"
        value={value}
        maxLength={2}
        size={4}
        disabled={disabled}
        required={required}
        autoComplete="off"
        aria-invalid={error ? true : undefined}
        onInput={(e) => onValue((e.target as HTMLInputElement).value.toUpperCase())}
      />
      {error && <span class="field-error">{error}</span>}
    </div>
  );
}

/** A labelled text input with the API's message for its path. */
function Text({
  id,
  label,
  value,
  onValue,
  disabled,
  error,
  placeholder,
  hint,
  grow,
}: {
  id: string;
  label: ComponentChildren;
  value: string;
  onValue: (v: string) => void;
  disabled: boolean;
  error?: string | undefined;
  placeholder?: string;
  hint?: ComponentChildren;
  grow?: boolean;
}) {
  return (
    <div class={grow ? "field grow" : "field"}>
      <label for={id}>{label}</label>
      <input
        id={id}
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        onInput={(e) => onValue((e.target as HTMLInputElement).value)}
      />
      {hint && <span class="muted small">{hint}</span>}
      {error && <span class="field-error">{error}</span>}
    </div>
  );
}

/** A yes / no / not stated choice. */
function TriSelect({
  id,
  label,
  value,
  onValue,
  disabled,
}: {
  id: string;
  label: string;
  value: Tri;
  onValue: (v: Tri) => void;
  disabled: boolean;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => onValue((e.target as HTMLSelectElement).value as Tri)}
      >
        <option value="">not stated</option>
        <option value="yes">yes</option>
        <option value="no">no</option>
      </select>
    </div>
  );
}

export default function DecidePage() {
  const { search } = useLocation();
  const canDecide = useCan("analyst");
  const chips = useApi<{ chips: CatalogChip[] }>("/v1/chips?limit=1000");
  const [items, setItems] = useState<ItemForm[]>([newItem(search.get("chip") ?? "nvidia-h20", "100")]);
  const [destination, setDestination] = useState("CN");
  const [exportedFrom, setExportedFrom] = useState("US");
  const [date, setDate] = useState(todayIso());
  const [mode, setMode] = useState<Mode>("as-enforced");
  const [exporter, setExporter] = useState({ name: "", country: "", headquarters: "", role: "" });
  const [endUser, setEndUser] = useState<PartyForm>({ ...noParty });
  const [consignee, setConsignee] = useState<PartyForm>({ ...noParty });
  const [purchaser, setPurchaser] = useState<PartyForm>({ ...noParty });
  const [intermediates, setIntermediates] = useState<PartyForm[]>([]);
  const [endUse, setEndUse] = useState("");
  const [certifications, setCertifications] = useState("");
  const [result, setResult] = useState<DecisionCreated | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const issue = (path: string) =>
    error instanceof ApiFailure ? error.issues.find((i) => i.path.startsWith(path))?.message : undefined;
  const off = !canDecide;
  const chipOptions = chips.data?.chips ?? [];

  const submit = async (event: Event) => {
    event.preventDefault();
    const exporterObject = defined({
      name: exporter.name.trim(),
      country: exporter.country.trim().toUpperCase() || undefined,
      headquarters: exporter.headquarters.trim().toUpperCase() || undefined,
      role: exporter.role || undefined,
    });
    const intermediateConsignees = intermediates.map(party).filter((p) => p !== undefined);
    const txn = defined({
      date,
      mode,
      exportedFrom: exportedFrom.trim().toUpperCase() || "US",
      destination: destination.trim().toUpperCase(),
      items: items.map(item),
      endUser: party(endUser),
      consignee: party(consignee),
      purchaser: party(purchaser),
      intermediateConsignees: intermediateConsignees.length ? intermediateConsignees : undefined,
      endUse: list(endUse).length ? list(endUse) : undefined,
      certifications: list(certifications).length ? list(certifications) : undefined,
      // A plain name stays a string; anything more makes it an object.
      exporter: !exporter.name.trim()
        ? undefined
        : Object.keys(exporterObject).length > 1
          ? exporterObject
          : exporter.name.trim(),
    });
    setBusy(true);
    setResult(null);
    try {
      setResult(await api<DecisionCreated>("/v1/decisions", { json: txn }));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const setItem = (i: number, patch: Partial<ItemForm>) =>
    setItems(items.map((x, j) => (j === i ? { ...x, ...patch } : x)));

  const chipSelect = (i: number, it: ItemForm, label: string) => (
    <div class="field grow">
      <label for={`item-${i}-chip`}>{label}</label>
      <select
        id={`item-${i}-chip`}
        value={it.chip}
        disabled={off}
        onChange={(e) => setItem(i, { chip: (e.target as HTMLSelectElement).value })}
      >
        {(chipOptions.length
          ? chipOptions
          : [{ id: it.chip, vendor: "", name: it.chip, variant: "" } as CatalogChip]
        ).map((c) => (
          <option key={c.id} value={c.id}>
            {c.vendor ? chipName(c) : c.id}
          </option>
        ))}
      </select>
      {issue(`items.${i}.chip`) && <span class="field-error">{issue(`items.${i}.chip`)}</span>}
    </div>
  );

  const itemFields = (it: ItemForm, i: number) => {
    const p = `item-${i}`;
    const text = (
      key: keyof ItemForm,
      label: string,
      path: string,
      extra: Partial<Parameters<typeof Text>[0]> = {},
    ) => (
      <Text
        id={`${p}-${key}`}
        label={label}
        value={it[key] as string}
        onValue={(v) => setItem(i, { [key]: v } as Partial<ItemForm>)}
        disabled={off}
        error={issue(`items.${i}.${path}`)}
        {...extra}
      />
    );
    const triField = (key: keyof ItemForm, label: string) => (
      <TriSelect
        id={`${p}-${key}`}
        label={label}
        value={it[key] as Tri}
        onValue={(v) => setItem(i, { [key]: v } as Partial<ItemForm>)}
        disabled={off}
      />
    );
    switch (it.kind) {
      case "chip":
        return chipSelect(i, it, `Chip ${items.length > 1 ? i + 1 : ""}`);
      case "system":
        return (
          <>
            {chipSelect(i, it, "Chip in the system")}
            {text("count", "ICs per system", "system.count")}
            {text("name", "System name", "system.name")}
            {text("otherwiseEccn", "Otherwise ECCN", "system.otherwiseEccn", { placeholder: "e.g. 5A992" })}
          </>
        );
      case "hbm":
        return (
          <>
            {text("name", "Name", "spec.name")}
            {text("memoryBandwidthGBs", "Memory bandwidth (GB/s)", "spec.memoryBandwidthGBs")}
            {text("packageAreaMm2", "Package area (mm²)", "spec.packageAreaMm2")}
          </>
        );
      case "weights":
        return (
          <>
            {text("name", "Model", "spec.name")}
            {text("trainingOps", "Training operations", "spec.trainingOps", { placeholder: "e.g. 3e26" })}
            {triField("weightsPublished", "Weights published")}
          </>
        );
      case "ic":
        return (
          <>
            {text("name", "Name", "spec.name")}
            {text("tops", "Dense TOPS by format", "spec.denseTops", {
              placeholder: "fp8=1979, fp16=990",
              grow: true,
            })}
            <div class="field">
              <label for={`${p}-sparse`}>Figures are sparse</label>
              <input
                id={`${p}-sparse`}
                type="checkbox"
                checked={it.sparse}
                disabled={off}
                onChange={(e) => setItem(i, { sparse: (e.target as HTMLInputElement).checked })}
              />
            </div>
            {text("dieAreaMm2", "Die area (mm²)", "spec.dieAreaMm2")}
            {text("memoryBandwidthGBs", "Memory bandwidth (GB/s)", "spec.memoryBandwidthGBs")}
            {triField("datacenter", "Designed for datacenters")}
            <details class="grow">
              <summary>Fabrication facts (foundry presumption)</summary>
              <div class="tops">
                {text("processNodeNm", "Process node (nm)", "spec.fabrication.processNodeNm")}
                {triField("nonPlanarTransistors", "Non-planar transistors")}
                {text("transistorCount", "Transistor count", "spec.fabrication.transistorCount", {
                  placeholder: "e.g. 8e10",
                })}
                {triField("hasHbm", "Has HBM")}
                {triField("designerApproved", "Approved designer")}
                {triField("packagedByApprovedOsat", "Packaged by approved OSAT")}
              </div>
            </details>
          </>
        );
    }
  };

  const partyFields = (
    prefix: string,
    value: PartyForm,
    onValue: (p: PartyForm) => void,
    title: string,
    remove?: () => void,
  ) => (
    <fieldset>
      <legend>{title}</legend>
      <Text
        id={`${prefix}-name`}
        label="Name"
        value={value.name}
        onValue={(name) => onValue({ ...value, name })}
        disabled={off}
        error={issue(`${prefix}.name`)}
      />
      <div class="tops">
        <CountryInput
          id={`${prefix}-country`}
          label="Country"
          value={value.country}
          disabled={off}
          error={issue(`${prefix}.country`)}
          onValue={(v) => onValue({ ...value, country: v })}
        />
        <CountryInput
          id={`${prefix}-hq`}
          label="Headquarters"
          value={value.headquarters}
          disabled={off}
          error={issue(`${prefix}.headquarters`)}
          onValue={(v) => onValue({ ...value, headquarters: v })}
        />
        <div class="field">
          <label for={`${prefix}-government`}>Government</label>
          <input
            id={`${prefix}-government`}
            type="checkbox"
            checked={value.government}
            disabled={off}
            onChange={(e) => onValue({ ...value, government: (e.target as HTMLInputElement).checked })}
          />
        </div>
        <div class="field">
          <label for={`${prefix}-ownership`}>Ownership</label>
          <select
            id={`${prefix}-ownership`}
            value={value.ownership}
            disabled={off}
            onChange={(e) =>
              onValue({
                ...value,
                ownership: (e.target as HTMLSelectElement).value as PartyForm["ownership"],
              })
            }
          >
            <option value="">not stated</option>
            <option value="known">known (owners below)</option>
            <option value="unknown">not known</option>
          </select>
        </div>
      </div>
      {value.owners.map((o, k) => {
        const set = (patch: Partial<OwnerForm>) =>
          onValue({ ...value, owners: value.owners.map((x, j) => (j === k ? { ...x, ...patch } : x)) });
        const path = `${prefix}.owners.${k}`;
        return (
          <div class="item-row" key={k}>
            <Text
              id={`${prefix}-owner-${k}-name`}
              label={`Owner ${k + 1}`}
              value={o.name}
              onValue={(name) => set({ name })}
              disabled={off}
              error={issue(`${path}.name`)}
              grow
            />
            <CountryInput
              id={`${prefix}-owner-${k}-country`}
              label="Country"
              value={o.country}
              disabled={off}
              error={issue(`${path}.country`)}
              onValue={(country) => set({ country })}
            />
            <Text
              id={`${prefix}-owner-${k}-share`}
              label="Share %"
              value={o.share}
              onValue={(share) => set({ share })}
              disabled={off}
              error={issue(`${path}.sharePercent`)}
            />
            <button
              type="button"
              class="link"
              disabled={off}
              aria-label={`Remove owner ${k + 1}`}
              onClick={() => onValue({ ...value, owners: value.owners.filter((_, j) => j !== k) })}
            >
              Remove
            </button>
          </div>
        );
      })}
      <button
        type="button"
        disabled={off}
        onClick={() => onValue({ ...value, owners: [...value.owners, { name: "", country: "", share: "" }] })}
      >
        Add an owner
      </button>{" "}
      <span class="muted small">Direct or indirect effective shares (Affiliates Rule).</span>
      {remove && (
        <button type="button" class="link" disabled={off} onClick={remove}>
          Remove this party
        </button>
      )}
    </fieldset>
  );

  return (
    <section>
      <PageTitle title="Decide">Decide an export</PageTitle>
      <p class="lede">
        Describe the transaction. ChipGate classifies each item, screens the parties and their owners, applies
        the licensing rules in force on the date, and records the decision in the tamper-evident audit trail.
      </p>
      <RoleNote need="analyst" />
      <datalist id="country-codes">
        {Object.entries(countryNames).map(([code, name]) => (
          <option key={code} value={code}>
            {name}
          </option>
        ))}
      </datalist>
      <div class="grid2">
        <form class="card" onSubmit={submit} aria-label="Transaction">
          <fieldset>
            <legend>Items</legend>
            {items.map((it, i) => (
              <div class="item-row" key={i}>
                <div class="field">
                  <label for={`item-${i}-kind`}>Item {items.length > 1 ? i + 1 : ""}</label>
                  <select
                    id={`item-${i}-kind`}
                    value={it.kind}
                    disabled={off}
                    onChange={(e) => setItem(i, { kind: (e.target as HTMLSelectElement).value as ItemKind })}
                  >
                    <option value="chip">catalog chip</option>
                    <option value="ic">IC by its figures</option>
                    <option value="system">system with a catalog chip</option>
                    <option value="hbm">HBM stack</option>
                    <option value="weights">model weights</option>
                  </select>
                </div>
                {itemFields(it, i)}
                <Text
                  id={`item-${i}-qty`}
                  label="Quantity"
                  value={it.quantity}
                  onValue={(quantity) => setItem(i, { quantity })}
                  disabled={off}
                  error={issue(`items.${i}.quantity`)}
                />
                {items.length > 1 && (
                  <button
                    type="button"
                    class="link"
                    disabled={off}
                    aria-label={`Remove item ${i + 1}`}
                    onClick={() => setItems(items.filter((_, j) => j !== i))}
                  >
                    Remove
                  </button>
                )}
              </div>
            ))}
            <button
              type="button"
              disabled={off}
              onClick={() => setItems([...items, newItem(items[0]?.chip ?? "nvidia-h20")])}
            >
              Add an item
            </button>
          </fieldset>
          <div class="tops">
            <CountryInput
              id="destination"
              label="Destination"
              value={destination}
              onValue={setDestination}
              disabled={off}
              error={issue("destination")}
              required
            />
            <CountryInput
              id="exported-from"
              label="Exported from"
              value={exportedFrom}
              onValue={setExportedFrom}
              disabled={off}
              error={issue("exportedFrom")}
            />
            <div class="field">
              <label for="txn-date">Date</label>
              <input
                id="txn-date"
                type="date"
                value={date}
                disabled={off}
                onInput={(e) => setDate((e.target as HTMLInputElement).value)}
              />
              {issue("date") && <span class="field-error">{issue("date")}</span>}
            </div>
            <div class="field">
              <label for="txn-mode">Mode</label>
              <select
                id="txn-mode"
                value={mode}
                disabled={off}
                onChange={(e) => setMode((e.target as HTMLSelectElement).value as Mode)}
              >
                <ModeOptions />
              </select>
            </div>
          </div>
          {partyFields("endUser", endUser, setEndUser, "End user")}
          {partyFields("consignee", consignee, setConsignee, "Consignee (optional)")}
          {partyFields("purchaser", purchaser, setPurchaser, "Purchaser (optional)")}
          {intermediates.map((p, k) =>
            partyFields(
              `intermediateConsignees.${k}`,
              p,
              (next) => setIntermediates(intermediates.map((x, j) => (j === k ? next : x))),
              `Intermediate consignee ${k + 1}`,
              () => setIntermediates(intermediates.filter((_, j) => j !== k)),
            ),
          )}
          <button
            type="button"
            disabled={off}
            onClick={() => setIntermediates([...intermediates, { ...noParty, owners: [] }])}
          >
            Add an intermediate consignee
          </button>
          <fieldset>
            <legend>Who exports</legend>
            <div class="tops">
              <Text
                id="exporter"
                label="Exporter"
                value={exporter.name}
                placeholder="e.g. NVIDIA"
                onValue={(name) => setExporter({ ...exporter, name })}
                disabled={off}
                error={issue("exporter")}
                hint='Company-specific "is informed" notices apply to the exporter they name.'
              />
              <CountryInput
                id="exporter-country"
                label="Located in"
                value={exporter.country}
                disabled={off}
                error={issue("exporter.country")}
                onValue={(country) => setExporter({ ...exporter, country })}
              />
              <CountryInput
                id="exporter-hq"
                label="Headquarters"
                value={exporter.headquarters}
                disabled={off}
                error={issue("exporter.headquarters")}
                onValue={(headquarters) => setExporter({ ...exporter, headquarters })}
              />
              <div class="field">
                <label for="exporter-role">Role</label>
                <select
                  id="exporter-role"
                  value={exporter.role}
                  disabled={off}
                  onChange={(e) => setExporter({ ...exporter, role: (e.target as HTMLSelectElement).value })}
                >
                  <option value="">not stated</option>
                  {EXPORTER_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </div>
            </div>
          </fieldset>
          <Text
            id="end-use"
            label="End uses"
            value={endUse}
            onValue={setEndUse}
            disabled={off}
            error={issue("endUse")}
            placeholder="e.g. AI training, supercomputer"
            hint="Comma-separated."
          />
          <Text
            id="certifications"
            label="Certifications (91 FR 1684 conditions)"
            value={certifications}
            onValue={setCertifications}
            disabled={off}
            error={issue("certifications")}
            placeholder="e.g. us-third-party-testing, no-military-end-use"
            hint="Comma-separated ids of the conditions certified (data/rules/licensing.yaml)."
          />
          <button type="submit" class="primary" disabled={off || busy}>
            {busy ? "Deciding…" : "Decide and record"}
          </button>
        </form>
        <div aria-live="polite">
          <h2>Outcome</h2>
          <ErrorBox error={error} title="Not decided" />
          {!result && !error && <p class="muted">Fill in the transaction and press “Decide and record”.</p>}
          {result && (
            <>
              <p class="saved" role="status">
                Saved to the audit trail as record #{result.record.seq} —{" "}
                <a href={`/decisions/${encodeURIComponent(result.id)}`} data-testid="record-link">
                  open the printable record
                </a>
              </p>
              <DecisionView decision={result.decision} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
