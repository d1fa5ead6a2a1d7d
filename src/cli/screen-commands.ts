import type { Command } from "commander";

/** Placeholder until the screen commands land; registers nothing. */
export function registerScreenCommands(_program: Command): void {}
