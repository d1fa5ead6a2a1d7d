import { ChipGateError } from "../core/errors.js";

/** Exit codes of every command: 0 answered, 2 bad input, 1 internal error. */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

/** Wraps a command action so that errors become the documented exit codes and a readable message. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}

export function reportError(error: unknown): number {
  if (error instanceof ChipGateError) {
    process.stderr.write(`chipgate: ${error.message}\n`);
    return error.isInputError ? EXIT_BAD_INPUT : EXIT_INTERNAL;
  }
  if (isZodError(error)) {
    const lines = error.issues.map((i) => `  ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n");
    process.stderr.write(`chipgate: invalid input:\n${lines}\n`);
    return EXIT_BAD_INPUT;
  }
  process.stderr.write(
    `chipgate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT_INTERNAL;
}

/**
 * A validation error of zod, recognized by its shape: importing zod only to test `instanceof` would cost
 * every command a tenth of a second at start-up (commands that validate with zod import it themselves).
 */
function isZodError(error: unknown): error is Error & { issues: { path: PropertyKey[]; message: string }[] } {
  return (
    error instanceof Error &&
    error.name === "ZodError" &&
    Array.isArray((error as { issues?: unknown }).issues)
  );
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
