/**
 * One retry when a connection breaks before any answer arrives (the server closed an idle
 * keep-alive socket just as it was reused: common after a long local computation kept the event
 * loop from noticing). Safe because every sync request is idempotent: pushes are deduplicated by
 * event id, pulls and reads are GETs. Registration is the one request not retried: a lost answer
 * there means the account may exist, which the caller must hear about.
 */

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

const isConnectionReset = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return (
    error instanceof TypeError && typeof cause?.code === "string" && RESET_CODES.has(cause.code)
  );
};

const notRetried = (request: Request): boolean =>
  request.method === "POST" && new URL(request.url).pathname.endsWith("/accounts");

export const withRetryOnReset =
  (inner: typeof fetch): typeof fetch =>
  async (input, init) => {
    const request = new Request(input, init);
    const retry = request.clone();
    try {
      return await inner(request);
    } catch (error) {
      if (!isConnectionReset(error) || notRetried(retry)) throw error;
      return inner(retry);
    }
  };
