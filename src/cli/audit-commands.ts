import type { Command } from "commander";

/** Placeholder until the audit commands land; registers nothing. */
export function registerAuditCommands(_program: Command): void {}
