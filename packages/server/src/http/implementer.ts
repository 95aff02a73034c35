/**
 * The contract's implementer with this server's context, and `authed`: the same, behind a
 * middleware that turns the bearer token into a session or fails with UNAUTHORIZED.
 */

import { keypearsContract } from "@keypears/api";
import { implement } from "@orpc/server";
import { authenticateCached, type Session } from "../accounts/sessions.ts";
import { apiError } from "./api-error.ts";
import type { RequestContext } from "./context.ts";

export const base = implement(keypearsContract).$context<RequestContext>();

/** The session of an `Authorization: Bearer <token>` header, if it names a live one. */
export const sessionOf = async (
  app: RequestContext["app"],
  header: string | undefined,
): Promise<Session | undefined> => {
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
  return match?.[1] === undefined ? undefined : authenticateCached(app, match[1]);
};

export const authed = base.use(async ({ context, next }) => {
  // The HTTP layer authenticates before reading a body; routes without a body are checked here.
  const session =
    context.request.session ?? (await sessionOf(context.app, context.request.authorization));
  if (session === undefined) throw apiError("UNAUTHORIZED");
  return next({ context: { session } });
});
