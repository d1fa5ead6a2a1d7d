import { countryLabel, num, outcomeLabel } from "../format";
import type { Decision } from "../types";
import { Badge } from "./common";
import { Reasons, Warnings } from "./reasons";

export const outcomeColor: Record<string, string> = {
  "no-license-required": "#2f7d5b",
  "license-exception": "#3a7bbf",
  "license-required": "#c23b22",
  undetermined: "#6b7280",
};

const roleLabel: Record<string, string> = {
  endUser: "End user",
  consignee: "Consignee",
  purchaser: "Purchaser",
  intermediateConsignee: "Intermediate consignee",
};

const policyText: Record<string, string> = {
  "presumption-of-approval": "presumption of approval",
  "presumption-of-denial": "presumption of denial",
  "case-by-case": "case-by-case review",
  "policy-of-denial": "policy of denial",
};

/** A decision with its reasons, items, party screening and citations. */
export function DecisionView({ decision }: { decision: Decision }) {
  const seen = new Set<string>();
  const why = [...decision.reasons, ...decision.items.flatMap((i) => i.requirements)].filter((r) => {
    const key = `${r.code}|${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return (
    <div class="decision" data-testid="decision">
      <p class="headline" style={{ color: outcomeColor[decision.outcome] }} data-testid="outcome">
        {outcomeLabel[decision.outcome] ?? decision.outcome}
      </p>
      <p class="muted small">
        Export from {countryLabel(decision.exportedFrom)} to {countryLabel(decision.destination)}
        {decision.destinationAsEntered !== decision.destination &&
          ` (entered as ${decision.destinationAsEntered})`}{" "}
        on {decision.asOf}, {decision.mode}; rule version <code>{decision.ruleVersion?.id ?? "none"}</code>.
      </p>
      {decision.otherMode.differs && (
        <p class="note">
          <strong>
            The other mode ({decision.otherMode.mode}) gives: {outcomeLabel[decision.otherMode.outcome]}.
          </strong>{" "}
          {decision.otherMode.differences.join(" ")}
        </p>
      )}
      <h3>Why</h3>
      {why.length > 0 ? (
        <Reasons reasons={why} />
      ) : (
        <p>
          No license requirement applies to these items, parties and destination on this date; each item's
          steps are below.
        </p>
      )}
      {decision.missing?.length > 0 && (
        <>
          <h3>Still open</h3>
          <ul class="small" data-testid="missing">
            {decision.missing.map((m) => (
              <li key={m.field}>
                <code>{m.field}</code>: {m.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Items</h3>
      {decision.items.map((item) => (
        <div class="item card" key={item.index}>
          <p>
            <strong>{item.description}</strong> × {item.quantity} —{" "}
            {item.paragraph
              ? `ECCN ${item.paragraph}`
              : item.eccn
                ? `ECCN ${item.eccn}`
                : "not in 3A090/4A090/4E091"}
            , TPP {num(item.classification.tpp)}, performance density{" "}
            {num(item.classification.performanceDensity)}
          </p>
          <p>
            <Badge
              color={
                item.licenseRequired === null
                  ? "#6b7280"
                  : item.licenseRequired
                    ? item.exception
                      ? "#3a7bbf"
                      : "#c23b22"
                    : "#2f7d5b"
              }
            >
              {item.licenseRequired === null
                ? "Undetermined"
                : item.licenseRequired
                  ? item.exception
                    ? `License exception ${item.exception}`
                    : "License required"
                  : "No license required"}
            </Badge>{" "}
            {item.reviewPolicy && (
              <span class="muted">Review policy: {policyText[item.reviewPolicy] ?? item.reviewPolicy}</span>
            )}
          </p>
          {item.exceptionDetail && (
            <p class="small">
              {item.exceptionDetail.reason}
              {item.exceptionDetail.notificationDays > 0 &&
                ` Notify BIS ${item.exceptionDetail.notificationDays} days before.`}
            </p>
          )}
          {item.undetermined.length > 0 && (
            <ul class="small">
              {item.undetermined.map((u) => (
                <li key={u.field}>
                  Missing <code>{u.field}</code>: {u.message}
                </li>
              ))}
            </ul>
          )}
          <details>
            <summary>Classification and licensing steps ({item.reasons.length})</summary>
            <Reasons reasons={item.reasons} />
          </details>
          <Warnings warnings={item.warnings} />
        </div>
      ))}
      {decision.parties.length > 0 && (
        <>
          <h3>Parties screened</h3>
          <ul>
            {decision.parties.map((p) => (
              <li key={p.path ?? p.role}>
                {roleLabel[p.role] ?? p.role}
                {p.path?.startsWith("intermediateConsignees.") ? ` ${Number(p.path.split(".")[1]) + 1}` : ""}:{" "}
                <strong>{p.name}</strong>
                {p.country && ` (${p.country}`}
                {p.headquarters && `, headquarters ${p.headquarters}`}
                {p.country && ")"} —{" "}
                {p.band === null ? (
                  <Badge color="#2f7d5b">no list hit</Badge>
                ) : (
                  <Badge color={p.band === "match" ? "#c23b22" : "#b36b00"}>
                    {p.band === "match" ? "listed party match" : "possible match to review"}
                  </Badge>
                )}
                {p.hits.length > 0 && (
                  <ul class="small">
                    {p.hits.slice(0, 3).map((h) => (
                      <li key={h.id}>
                        {h.name} ({h.list}, score {num(h.score)})
                      </li>
                    ))}
                  </ul>
                )}
                {p.owners && p.owners.length > 0 && (
                  <ul class="small" data-testid="owners">
                    {p.owners.map((o, k) => (
                      <li key={k}>
                        Owner <strong>{o.name}</strong> {num(o.sharePercent)} % —{" "}
                        {o.band === null
                          ? "no list hit"
                          : `${o.band === "match" ? "listed" : "possible match"}: ${o.hits
                              .slice(0, 2)
                              .map((h) => `${h.name} (${h.list} ${h.id})`)
                              .join("; ")}`}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <Warnings warnings={decision.warnings} />
      <p class="muted small">
        Engine {decision.versions.engine}, rule data {decision.versions.ruleData}, screening data{" "}
        {decision.versions.screeningData}. {decision.disclaimer}
      </p>
    </div>
  );
}
