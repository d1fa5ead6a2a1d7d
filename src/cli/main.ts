import { Command, CommanderError } from "commander";
import { engineVersion } from "../node/package-info.js";
import { EXIT_BAD_INPUT } from "./run.js";

type Register = (program: Command) => void;

// Each command group is imported only when its command runs, so `classify` does not pay for the Chinese
// text libraries of `screen` or the database drivers of `audit` at start-up.
const commandGroups: Record<string, () => Promise<Register>> = {
  classify: async () => (await import("./classify-commands.js")).registerClassifyCommands,
  screen: async () => (await import("./screen-commands.js")).registerScreenCommands,
  audit: async () => (await import("./audit-commands.js")).registerAuditCommands,
  decide: async () => (await import("./decide-commands.js")).registerDecideCommands,
  frontier: async () => (await import("./frontier-commands.js")).registerFrontierCommands,
  server: async () => (await import("./server-commands.js")).registerServerCommands,
  rules: async () => (await import("./rules-commands.js")).registerRulesCommands,
};
const groupOf: Record<string, keyof typeof commandGroups> = {
  classify: "classify",
  chips: "classify",
  history: "classify",
  screen: "screen",
  data: "screen",
  audit: "audit",
  decide: "decide",
  frontier: "frontier",
  allocation: "frontier",
  serve: "server",
  keys: "server",
  rules: "rules",
};

export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command("chipgate")
    .description(
      "Export-control decision support for AI chips: classify, screen, decide, record. Not legal advice.",
    )
    .version(engineVersion)
    .showHelpAfterError()
    .exitOverride();
  const group = command === undefined ? undefined : groupOf[command];
  const groups = group ? [group] : Object.keys(commandGroups);
  for (const name of groups) (await commandGroups[name]!())(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    const program = await buildProgram(argv.find((a) => !a.startsWith("-")));
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message (usage errors) or the help/version text.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    throw error;
  }
}

// A reader that stops early (`chipgate chips | head`) closes the pipe; that ends the output, not in a crash.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

await main(process.argv.slice(2));
