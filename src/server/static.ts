import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";

/**
 * The web UI's policy: scripts, fonts, images and API calls from this origin only. Styles also allow inline
 * `<style>` because Observable Plot puts one scoped stylesheet inside each chart it draws; no inline script
 * is ever allowed.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Paths the API owns: never answered with the UI, even when no route matches. */
const API_PREFIXES = ["/v1", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".map": "application/json; charset=utf-8",
};

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ChipGate</title></head>
<body style="font:16px system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>ChipGate</h1><p>The web UI is not built yet. Run <code>npm run build</code> in the repository, then reload.</p>
<p>The HTTP API is running: see <a href="/docs">/docs</a>.</p></body></html>`;

interface Asset {
  body: Uint8Array;
  type: string;
  immutable: boolean;
}

/**
 * Serves the built single-page app from `dir` (dist/web): files by path, `index.html` for any other GET that
 * is not an API path (client-side routes), nothing for API paths. Files are read once and kept in memory.
 */
export function createStaticHandler(dir: string): (method: string, path: string) => Response | undefined {
  const cache = new Map<string, Asset>();
  const load = (rel: string): Asset | null => {
    const cached = cache.get(rel);
    if (cached) return cached;
    let asset: Asset | null = null;
    const file = normalize(join(dir, rel));
    if (file.startsWith(dir + sep) && existsSync(file) && statSync(file).isFile()) {
      asset = {
        body: readFileSync(file),
        type: TYPES[extname(file)] ?? "application/octet-stream",
        immutable: rel.startsWith(`assets${sep}`) || rel.startsWith("assets/"),
      };
    }
    if (asset && cache.size < 500) cache.set(rel, asset);
    return asset;
  };
  const respond = (asset: Asset, head: boolean) =>
    new Response(head ? null : (asset.body as Uint8Array<ArrayBuffer>), {
      headers: {
        "content-type": asset.type,
        "cache-control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
        "content-security-policy": UI_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      },
    });

  return (method, path) => {
    if (method !== "GET" && method !== "HEAD") return undefined;
    if (isApiPath(path)) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded.includes("\0")) return undefined;
    const rel = decoded.replace(/^\/+/, "");
    const head = method === "HEAD";
    if (rel !== "" && !rel.endsWith("/")) {
      const asset = load(rel);
      if (asset) return respond(asset, head);
      // A missing file with an extension (a stale hashed asset) is a real 404, not the app shell.
      if (/\.[a-z0-9]{1,8}$/i.test(rel)) return undefined;
    }
    const index = load("index.html");
    if (index) return respond(index, head);
    return new Response(head ? null : NOT_BUILT, {
      status: 503,
      headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": UI_CSP },
    });
  };
}
