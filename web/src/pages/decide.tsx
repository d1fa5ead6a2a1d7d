import { useState } from "preact/hooks";
import { ApiFailure, api } from "../api";
import { RoleNote, useCan } from "../auth";
import { ErrorBox, ModeOptions, PageTitle, useApi } from "../components/common";
import { DecisionView } from "../components/decision-view";
import { chipName, countryNames, todayIso } from "../format";
import { useLocation } from "../router";
import type { CatalogChip, DecisionCreated, Mode } from "../types";

interface PartyForm {
  name: string;
  country: string;
  headquarters: string;
}
const noParty: PartyForm = { name: "", country: "", headquarters: "" };

function party(p: PartyForm) {
  if (!p.name.trim()) return undefined;
  return {
    name: p.name.trim(),
    ...(p.country.trim() && { country: p.country.trim().toUpperCase() }),
    ...(p.headquarters.trim() && { headquarters: p.headquarters.trim().toUpperCase() }),
  };
}

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

export default function DecidePage() {
  const { search } = useLocation();
  const canDecide = useCan("analyst");
  const chips = useApi<{ chips: CatalogChip[] }>("/v1/chips?limit=1000");
  const [items, setItems] = useState([{ chip: search.get("chip") ?? "nvidia-h20", quantity: "100" }]);
  const [destination, setDestination] = useState("CN");
  const [exportedFrom, setExportedFrom] = useState("US");
  const [date, setDate] = useState(todayIso());
  const [mode, setMode] = useState<Mode>("as-enforced");
  const [exporter, setExporter] = useState("");
  const [endUser, setEndUser] = useState<PartyForm>({ ...noParty });
  const [consignee, setConsignee] = useState<PartyForm>({ ...noParty });
  const [result, setResult] = useState<DecisionCreated | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const issue = (path: string) =>
    error instanceof ApiFailure ? error.issues.find((i) => i.path === path)?.message : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    const txn = {
      date,
      mode,
      exportedFrom: exportedFrom.trim().toUpperCase() || "US",
      destination: destination.trim().toUpperCase(),
      items: items.map((i) => ({ chip: i.chip, quantity: Number(i.quantity) })),
      ...(party(endUser) && { endUser: party(endUser) }),
      ...(party(consignee) && { consignee: party(consignee) }),
      ...(exporter.trim() && { exporter: exporter.trim() }),
    };
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

  const partyFields = (
    prefix: "endUser" | "consignee",
    value: PartyForm,
    onValue: (p: PartyForm) => void,
    title: string,
  ) => (
    <fieldset>
      <legend>{title}</legend>
      <div class="field">
        <label for={`${prefix}-name`}>Name</label>
        <input
          id={`${prefix}-name`}
          value={value.name}
          disabled={!canDecide}
          aria-invalid={issue(`${prefix}.name`) ? true : undefined}
          onInput={(e) => onValue({ ...value, name: (e.target as HTMLInputElement).value })}
        />
        {issue(`${prefix}.name`) && <span class="field-error">{issue(`${prefix}.name`)}</span>}
      </div>
      <div class="tops">
        <CountryInput
          id={`${prefix}-country`}
          label="Country"
          value={value.country}
          disabled={!canDecide}
          error={issue(`${prefix}.country`)}
          onValue={(v) => onValue({ ...value, country: v })}
        />
        <CountryInput
          id={`${prefix}-hq`}
          label="Headquarters"
          value={value.headquarters}
          disabled={!canDecide}
          error={issue(`${prefix}.headquarters`)}
          onValue={(v) => onValue({ ...value, headquarters: v })}
        />
      </div>
    </fieldset>
  );

  return (
    <section>
      <PageTitle title="Decide">Decide an export</PageTitle>
      <p class="lede">
        Describe the transaction. ChipGate classifies each item, screens the parties, applies the licensing
        rules in force on the date, and records the decision in the tamper-evident audit trail.
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
            {items.map((item, i) => (
              <div class="item-row" key={i}>
                <div class="field grow">
                  <label for={`item-${i}-chip`}>Chip {items.length > 1 ? i + 1 : ""}</label>
                  <select
                    id={`item-${i}-chip`}
                    value={item.chip}
                    disabled={!canDecide}
                    onChange={(e) =>
                      setItems(
                        items.map((x, j) =>
                          j === i ? { ...x, chip: (e.target as HTMLSelectElement).value } : x,
                        ),
                      )
                    }
                  >
                    {(
                      chips.data?.chips ?? [
                        { id: item.chip, vendor: "", name: item.chip, variant: "" } as CatalogChip,
                      ]
                    ).map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.vendor ? chipName(c) : c.id}
                      </option>
                    ))}
                  </select>
                </div>
                <div class="field">
                  <label for={`item-${i}-qty`}>Quantity</label>
                  <input
                    id={`item-${i}-qty`}
                    type="number"
                    min={1}
                    step={1}
                    size={6}
                    value={item.quantity}
                    disabled={!canDecide}
                    aria-invalid={issue(`items.${i}.quantity`) ? true : undefined}
                    onInput={(e) =>
                      setItems(
                        items.map((x, j) =>
                          j === i ? { ...x, quantity: (e.target as HTMLInputElement).value } : x,
                        ),
                      )
                    }
                  />
                  {issue(`items.${i}.quantity`) && (
                    <span class="field-error">{issue(`items.${i}.quantity`)}</span>
                  )}
                </div>
                {items.length > 1 && (
                  <button
                    type="button"
                    class="link"
                    disabled={!canDecide}
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
              disabled={!canDecide}
              onClick={() => setItems([...items, { chip: items[0]?.chip ?? "nvidia-h20", quantity: "1" }])}
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
              disabled={!canDecide}
              error={issue("destination")}
              required
            />
            <CountryInput
              id="exported-from"
              label="Exported from"
              value={exportedFrom}
              onValue={setExportedFrom}
              disabled={!canDecide}
              error={issue("exportedFrom")}
            />
            <div class="field">
              <label for="txn-date">Date</label>
              <input
                id="txn-date"
                type="date"
                value={date}
                disabled={!canDecide}
                onInput={(e) => setDate((e.target as HTMLInputElement).value)}
              />
              {issue("date") && <span class="field-error">{issue("date")}</span>}
            </div>
            <div class="field">
              <label for="txn-mode">Mode</label>
              <select
                id="txn-mode"
                value={mode}
                disabled={!canDecide}
                onChange={(e) => setMode((e.target as HTMLSelectElement).value as Mode)}
              >
                <ModeOptions />
              </select>
            </div>
          </div>
          {partyFields("endUser", endUser, setEndUser, "End user")}
          {partyFields("consignee", consignee, setConsignee, "Consignee (optional)")}
          <div class="field">
            <label for="exporter">Exporter</label>
            <input
              id="exporter"
              value={exporter}
              placeholder="e.g. NVIDIA"
              disabled={!canDecide}
              onInput={(e) => setExporter((e.target as HTMLInputElement).value)}
            />
            <span class="muted small">
              Company-specific "is informed" notices apply to the exporter they name.
            </span>
          </div>
          <button type="submit" class="primary" disabled={!canDecide || busy}>
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
