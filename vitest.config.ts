import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // CI runs every file on two shared cores; UI polls and server starts need more than the 1 s default.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
