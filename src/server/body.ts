import { Readable, Transform } from "node:stream";
import { ApiError } from "./errors.js";

function tooLarge(limit: number): ApiError {
  return new ApiError("PAYLOAD_TOO_LARGE", `the request body is larger than the limit of ${limit} bytes`);
}

/** A request header by lower-case name (null when absent). */
export type HeaderReader = (name: string) => string | null;

/**
 * Rejects at once when the declared length is over the limit, before reading anything; returns the declared
 * length (null when none).
 */
export function checkDeclaredLength(
  request: Request,
  limit: number,
  header: HeaderReader = (name) => request.headers.get(name),
): string | null {
  const declared = header("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  return declared;
}

/**
 * The whole body as text, failing with 413 as soon as it passes `limit` bytes. `header` reads request headers
 * (the router passes one that reads Node's parsed headers without building a Headers object).
 */
export async function readBodyText(request: Request, limit: number, header?: HeaderReader): Promise<string> {
  const declared = checkDeclaredLength(request, limit, header);
  // With a declared length already checked, text() lets @hono/node-server read the socket directly; going
  // through request.body would build a web stream per request, several times slower.
  if (declared !== null) {
    const text = await request.text();
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: short texts need no byte count.
    if (text.length * 3 > limit && Buffer.byteLength(text) > limit) throw tooLarge(limit);
    return text;
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** The body as a Node stream that errors with 413 once it passes `limit` bytes (for streamed uploads). */
export function bodyStream(request: Request, limit: number): Readable {
  checkDeclaredLength(request, limit);
  if (!request.body) return Readable.from([]);
  let size = 0;
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) done(tooLarge(limit));
      else done(null, chunk);
    },
  });
  source.on("error", (e) => counter.destroy(e));
  return source.pipe(counter);
}
