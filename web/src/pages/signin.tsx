import { useState } from "preact/hooks";
import { ApiFailure, api, getKey, setKey } from "../api";
import { ErrorBox, PageTitle } from "../components/common";
import type { Me } from "../types";

export default function SignInPage({
  me,
  rejected,
  onSignedIn,
}: {
  me: Me | null;
  rejected: boolean;
  onSignedIn: () => void | Promise<void>;
}) {
  const [key, setKeyText] = useState("");
  const [error, setError] = useState<unknown>(
    rejected ? new ApiFailure(401, "UNAUTHORIZED", "The saved key was refused (unknown or revoked).") : null,
  );
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const value = key.trim();
    if (!/^\S+$/.test(value)) {
      setError(
        new ApiFailure(0, "CLIENT", "Paste the whole key: it looks like cg_<id>_<secret>, with no spaces."),
      );
      return;
    }
    setBusy(true);
    const previous = getKey();
    setKey(value);
    try {
      await api<Me>("/v1/me");
      setError(null);
      await onSignedIn();
    } catch (e) {
      if (previous) setKey(previous);
      else setKey(null);
      setError(
        e instanceof ApiFailure && e.code === "UNAUTHORIZED"
          ? new ApiFailure(
              401,
              "UNAUTHORIZED",
              "This key was not accepted: it is unknown, revoked or mistyped.",
            )
          : e,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <PageTitle title="Sign in">Sign in with an API key</PageTitle>
      {me && !me.keyId && (
        <p class="note">
          This server has no API keys yet, so you are already using it with the <strong>admin</strong> role
          (local mode, loopback only). Sign in only to act as a particular key.
        </p>
      )}
      {me?.keyId && (
        <p class="note">
          You are signed in as key <code>{me.keyId}</code> with the <strong>{me.role}</strong> role.
        </p>
      )}
      <form class="card" onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          placeholder="cg_…"
          value={key}
          onInput={(e) => setKeyText((e.target as HTMLInputElement).value)}
          aria-describedby="key-help"
          required
        />
        <p id="key-help" class="muted small">
          The key is kept in this browser tab only (session storage) and sent with each request; closing the
          tab forgets it. An administrator creates keys with{" "}
          <code>chipgate keys create --role viewer|analyst|admin</code>.
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
      </form>
      <ErrorBox error={error} title="Not signed in" />
      <h2>What each role may do</h2>
      <table class="plain">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">May</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>viewer</td>
            <td>explore chips and rules, read decisions, verify the audit trail</td>
          </tr>
          <tr>
            <td>analyst</td>
            <td>also classify chips, screen parties and record decisions</td>
          </tr>
          <tr>
            <td>admin</td>
            <td>also export the audit trail and manage keys</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
