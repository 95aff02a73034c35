/**
 * The contract's implementer with this server's context, and two ways to require a session:
 *
 * - `authed`: the session is looked up in the database for this request, so a session ended on
 *   any server process is refused at once.
 * - `vaultAuthed`: the session may come from the process's cache (`session-cache.ts`), because
 *   every vault route checks it again in its own query (`vaultAccess`, `pushPreflight`): a burst
 *   of pulls and pushes costs no extra round trip, and still nothing is read or written on an
 *   ended session.
 */

import { keypearsContract } from "@keypears/api";
import { implement } from "@orpc/server";
import { authenticate, authenticateCached, type CheckedSession } from "../accounts/sessions.ts";
import { apiError } from "./api-error.ts";
import type { RequestContext } from "./context.ts";

export const base = implement(keypearsContract).$context<RequestContext>();

const bearerToken = (header: string | undefined): string | undefined =>
  header === undefined ? undefined : /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header)?.[1];

/** The session of an `Authorization: Bearer <token>` header, if it names a live one (or a cached one). */
export const sessionOf = async (
  app: RequestContext["app"],
  header: string | undefined,
): Promise<CheckedSession | undefined> => {
  const token = bearerToken(header);
  return token === undefined ? undefined : authenticateCached(app, token);
};

export const vaultAuthed = base.use(async ({ context, next }) => {
  // The HTTP layer authenticates before reading a body; routes without a body are checked here.
  const checked =
    context.request.session ?? (await sessionOf(context.app, context.request.authorization));
  if (checked === undefined) throw apiError("UNAUTHORIZED");
  return next({ context: { session: checked.session } });
});

export const authed = base.use(async ({ context, next }) => {
  const checked = context.request.session;
  if (checked !== undefined && !checked.cached)
    return next({ context: { session: checked.session } });
  const token = bearerToken(context.request.authorization);
  const session = token === undefined ? undefined : await authenticate(context.app, token);
  if (session === undefined) throw apiError("UNAUTHORIZED");
  context.app.sessionCache.put(session);
  return next({ context: { session } });
});
