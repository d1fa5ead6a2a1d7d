import type { Command } from "commander";

export function registerClassifyCommands(_program: Command): void {}
