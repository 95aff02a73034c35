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

/** The parsed JSON body, or undefined for an empty one. */
export const readJsonBody = async (
  request: IncomingMessage,
  maxBytes: number,
): Promise<Result<unknown, BodyFailure>> => {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > maxBytes) return err(tooLarge(maxBytes));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return err(tooLarge(maxBytes));
    chunks.push(chunk);
  }
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
    text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks, size));
  } catch {
    return err({ status: 400, code: "BAD_REQUEST", message: "The body is not valid UTF-8." });
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err({ status: 400, code: "BAD_REQUEST", message: "The body is not valid JSON." });
  }
};
