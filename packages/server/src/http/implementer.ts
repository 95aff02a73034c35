/**
 * The contract's implementer with this server's context, and `authed`: the same, behind a
 * middleware that turns the bearer token into a session or fails with UNAUTHORIZED.
 */

import { keypearsContract } from "@keypears/api";
import { implement } from "@orpc/server";
import { authenticate } from "../accounts/sessions.ts";
import { apiError } from "./api-error.ts";
import type { RequestContext } from "./context.ts";

export const base = implement(keypearsContract).$context<RequestContext>();

export const authed = base.use(async ({ context, next }) => {
  const header = context.request.authorization;
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
  const session = match?.[1] === undefined ? undefined : await authenticate(context.app, match[1]);
  if (session === undefined) throw apiError("UNAUTHORIZED");
  return next({ context: { session } });
});
