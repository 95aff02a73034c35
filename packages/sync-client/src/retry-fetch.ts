/**
 * Retries when a connection breaks before any answer arrives (the server closed an idle
 * keep-alive socket just as it was reused: common after a long local computation kept the event
 * loop from noticing). Up to `RESET_RETRIES` times: after a long computation every socket in the
 * pool may be stale (pipelined pushes and pulls leave two or three), and each try uses up one;
 * a 100,000-item snapshot upload, after its 19-second export, failed twice so. Safe because every sync request is idempotent: pushes are deduplicated by
 * event id, pulls and reads are GETs. Registration is the one request not retried: a lost answer
 * there means the account may exist, which the caller must hear about.
 */

export const RESET_RETRIES = 3;

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
    const retries = Array.from({ length: notRetried(request) ? 0 : RESET_RETRIES }, () =>
      request.clone(),
    );
    let attempt = request;
    for (;;) {
      try {
        return await inner(attempt);
      } catch (error) {
        const next = retries.shift();
        if (!isConnectionReset(error) || next === undefined) throw error;
        attempt = next;
      }
    }
  };
