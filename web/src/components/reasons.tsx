import { num } from "../format";
import type { Reason, Requirement, Warning } from "../types";
import { Cite } from "./common";

const opText = { gte: "≥", gt: ">", lt: "<", lte: "≤", eq: "=" } as const;

/** The steps of an explanation: each rule applied, the threshold, the value, and the citation. */
export function Reasons({ reasons }: { reasons: (Reason | Requirement)[] }) {
  if (reasons.length === 0) return <p class="muted">No reasons given.</p>;
  return (
    <ol class="reasons">
      {reasons.map((r, i) => {
        const reason = r as Reason;
        const mark = reason.met === true ? "✓" : reason.met === false ? "✗" : "•";
        return (
          <li key={i} class={reason.met === true ? "met" : reason.met === false ? "unmet" : ""}>
            <span class="mark" aria-hidden="true">
              {mark}
            </span>
            <span class="sr-only">
              {reason.met === true ? "Met: " : reason.met === false ? "Not met: " : ""}
            </span>
            <div>
              <div>{r.message}</div>
              {reason.threshold && (
                <div class="small muted">
                  {reason.paragraph && <code>{reason.paragraph}</code>} {reason.input}: value{" "}
                  {typeof reason.value === "number" ? num(reason.value) : String(reason.value ?? "missing")}{" "}
                  vs threshold {opText[reason.threshold.op]}{" "}
                  {typeof reason.threshold.value === "number"
                    ? num(reason.threshold.value)
                    : String(reason.threshold.value)}{" "}
                  {reason.threshold.unit}
                </div>
              )}
              <div class="small">
                <Cite citation={r.citation} />
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function Warnings({ warnings }: { warnings: Warning[] }) {
  if (warnings.length === 0) return null;
  return (
    <div class="warnings">
      <h3>Warnings</h3>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>
            {w.message} {w.citation && <Cite citation={w.citation} />}
          </li>
        ))}
      </ul>
    </div>
  );
}
