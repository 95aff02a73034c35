/**
 * `Retry-After` on every 429: the typed TOO_MANY_REQUESTS error carries the wait in
 * `data.retryAfterSeconds`; this interceptor of the oRPC handler copies it into the standard
 * header, so generic HTTP clients and proxies back off too.
 */

import type { StandardHandleResult } from "@orpc/server/standard";

const retryAfterSeconds = (body: unknown): number | undefined => {
  const data = (body as { data?: { retryAfterSeconds?: unknown } } | null)?.data;
  const seconds = data?.retryAfterSeconds;
  return typeof seconds === "number" && Number.isSafeInteger(seconds) && seconds > 0
    ? seconds
    : undefined;
};

export const addRetryAfter = async (options: {
  readonly next: () => Promise<StandardHandleResult>;
}): Promise<StandardHandleResult> => {
  const result = await options.next();
  if (!result.matched || result.response.status !== 429) return result;
  const seconds = retryAfterSeconds(result.response.body);
  if (seconds === undefined) return result;
  return {
    ...result,
    response: {
      ...result.response,
      headers: { ...result.response.headers, "retry-after": String(seconds) },
    },
  };
};
