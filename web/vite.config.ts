import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The UI is served by `chipgate serve` from dist/web; in development, `vite --config web/vite.config.ts`
// proxies the API to a server on :8080.
export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  build: {
    outDir: here("../dist/web"),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: {
    proxy: Object.fromEntries(
      ["/v1", "/healthz", "/readyz", "/openapi.json", "/docs", "/metrics"].map((p) => [
        p,
        "http://127.0.0.1:8080",
      ]),
    ),
  },
});
