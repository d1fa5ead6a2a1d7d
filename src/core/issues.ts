import type { z } from "zod";
import { ChipGateError, type Issue } from "./errors.js";
import { LIMITS } from "./limits.js";

/** A value quoted in a message, cut short: an error never echoes a megabyte of input back. */
export function quoted(value: string, max = 60): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

/**
 * Zod issues as `{path, message}`, prefixed with where the value came from (`query`, `path`; "" for a body);
 * an issue about the whole value is at `root`.
 * A union reports the alternative that got furthest rather than one vague "Invalid input" for all of them,
 * so the same bad input gets the same path in the library, the CLI and the API.
 */
export function zodIssues(issues: readonly z.core.$ZodIssue[], prefix: string, root = "(body)"): Issue[] {
  return issues.flatMap((i) => {
    if (i.code === "invalid_union" && i.errors.length > 0) {
      // Report the alternative that got furthest: the one whose first issue has the longest path.
      const best = [...i.errors].sort((a, b) => (b[0]?.path.length ?? 0) - (a[0]?.path.length ?? 0))[0]!;
      return zodIssues(
        best.map((e) => ({ ...e, path: [...i.path, ...e.path] })),
        prefix,
        root,
      );
    }
    const path = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
    const message =
      i.code === "unrecognized_keys"
        ? `unknown field(s): ${i.keys
            .slice(0, 5)
            .map((k) => (k.length > 60 ? quoted(k) : k))
            .join(", ")}${i.keys.length > 5 ? ` and ${i.keys.length - 5} more` : ""}`
        : i.message;
    return [{ path: path || root, message }];
  });
}

/**
 * The one INVALID_INPUT error of a request's bad fields, worded the same by the CLI and the API:
 * `invalid input: <path>: <message>; …`, listing at most `LIMITS.issuesPerError` of them.
 */
export function invalidInput(issues: readonly Issue[]): ChipGateError {
  const kept = issues.slice(0, LIMITS.issuesPerError);
  if (issues.length > kept.length) {
    kept.push({ path: "(more)", message: `${issues.length - kept.length} more issue(s) not listed` });
  }
  const lines = kept.map((i) => `${i.path}: ${i.message}`).join("; ");
  return new ChipGateError("INVALID_INPUT", `invalid input: ${lines}`, kept);
}
