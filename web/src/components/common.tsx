import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure, api, isAbort } from "../api";
import type { Citation } from "../types";

/** Loads `path` (when not null) and reloads when it changes; keeps the last data while reloading. */
export function useApi<T>(path: string | null): {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
} {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    api<T>(path, { signal: ctrl.signal }).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (!isAbort(error)) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [path, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** An API error in plain words, with every invalid field named. */
export function ErrorBox({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e =
    error instanceof ApiFailure
      ? error
      : new ApiFailure(0, "CLIENT", (error as Error)?.message ?? String(error));
  return (
    <div class="error" role="alert">
      <strong>{title ?? "Something went wrong"}: </strong>
      {e.message}
      {e.issues.length > 0 && (
        <ul>
          {e.issues.map((i) => (
            <li key={i.path}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {e.issues.length === 0 && e.serverMessage !== e.message && (
        <div class="muted small">Server: {e.serverMessage}</div>
      )}
      {e.requestId && <div class="muted small">Request id {e.requestId}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A citation linking to its source (the Federal Register document where there is one). */
export function Cite({ citation }: { citation: Citation | undefined | null }) {
  if (!citation) return null;
  const label = citation.text;
  return (
    <span class="cite">
      {citation.url ? (
        <a
          href={citation.url}
          target="_blank"
          rel="noopener noreferrer"
          title={`Open the source (${citation.evidence})`}
        >
          {label}
        </a>
      ) : (
        label
      )}
      {citation.evidence && (
        <span class="evidence" title="Evidence grade: FR = Federal Register text, S = secondary source">
          {citation.evidence}
        </span>
      )}
    </span>
  );
}

export function Badge({
  color,
  children,
  title,
}: {
  color: string;
  children: ComponentChildren;
  title?: string;
}) {
  return (
    <span class="badge" style={{ borderColor: color, color }} title={title}>
      <span class="dot" style={{ background: color }} aria-hidden="true" />
      {children}
    </span>
  );
}

/** Delays a value until it stops changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Sets document.title and moves focus to the page heading on navigation (for screen readers). */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ChipGate`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function downloadBlob(data: BlobPart, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The two readings of the law, as options of a mode select (the labels every page shows). */
export function ModeOptions() {
  return (
    <>
      <option value="as-enforced">As enforced</option>
      <option value="as-codified">As codified</option>
    </>
  );
}
