import { Command, CommanderError } from "commander";
import { engineVersion } from "../node/package-info.js";
import { registerAuditCommands } from "./audit-commands.js";
import { registerClassifyCommands } from "./classify-commands.js";
import { EXIT_BAD_INPUT } from "./run.js";
import { registerScreenCommands } from "./screen-commands.js";

export function buildProgram(): Command {
  const program = new Command("chipgate")
    .description("Export-control decision support for AI chips: classify, screen, decide, record. Not legal advice.")
    .version(engineVersion)
    .showHelpAfterError()
    .exitOverride();
  registerClassifyCommands(program);
  registerScreenCommands(program);
  registerAuditCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message (usage errors) or the help/version text.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    throw error;
  }
}

await main(process.argv.slice(2));
