/**
 * Reads a request body as JSON before the router sees it, with the size limit enforced while
 * reading (a `Content-Length` over the limit is refused before a byte is read), and with every
 * malformed body turned into a precise 4xx.
 */

import { err, ok, type Result } from "@keypears/base";
import type { IncomingMessage } from "node:http";

export interface BodyFailure {
  readonly status: 400 | 413 | 415;
  readonly code: "BAD_REQUEST" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE";
  readonly message: string;
  readonly data?: { readonly limit: number; readonly unit: "bytes" };
}

const tooLarge = (limit: number): BodyFailure => ({
  status: 413,
  code: "PAYLOAD_TOO_LARGE",
  message: `The request body is larger than this server accepts (${limit} bytes).`,
  data: { limit, unit: "bytes" },
});

/** The body's bytes, read up to `maxBytes` (refused past it, before reading when it says so). */
const readBytes = async (
  request: IncomingMessage,
  maxBytes: number,
): Promise<Result<Buffer, BodyFailure>> => {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > maxBytes) return err(tooLarge(maxBytes));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return err(tooLarge(maxBytes));
    chunks.push(chunk);
  }
  return ok(Buffer.concat(chunks, size));
};

/** Is the request's body of this media type (parameters after `;` allowed)? */
export const hasMediaType = (request: IncomingMessage, type: string): boolean => {
  const header = request.headers["content-type"] ?? "";
  return header.toLowerCase().split(";")[0]?.trim() === type;
};

/**
 * A binary body (`EVENT_FRAMES_MEDIA_TYPE`), as the `File` the router hands to a route whose
 * input is a file; the route decodes and checks it.
 */
export const readFileBody = async (
  request: IncomingMessage,
  maxBytes: number,
  type: string,
): Promise<Result<File, BodyFailure>> => {
  const body = await readBytes(request, maxBytes);
  // A copy into an ArrayBuffer of its own (a Buffer may share the pool's).
  return body.ok ? ok(new File([new Uint8Array(body.value)], "body", { type })) : body;
};

/** The parsed JSON body, or undefined for an empty one. */
export const readJsonBody = async (
  request: IncomingMessage,
  maxBytes: number,
): Promise<Result<unknown, BodyFailure>> => {
  const body = await readBytes(request, maxBytes);
  if (!body.ok) return body;
  const size = body.value.length;
  if (size === 0) return ok(undefined);
  const type = request.headers["content-type"] ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return err({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Send the body as JSON, with Content-Type: application/json.",
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body.value);
  } catch {
    return err({ status: 400, code: "BAD_REQUEST", message: "The body is not valid UTF-8." });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err({ status: 400, code: "BAD_REQUEST", message: "The body is not valid JSON." });
  }
};
