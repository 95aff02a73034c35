/** The typed errors of the sharing routes (`shareErrors` in @keypears/api), as `apiError` builds the others. */

import { shareErrors } from "@keypears/api";
import { ORPCError } from "@orpc/server";

type ShareErrorCode = keyof typeof shareErrors;

export const shareError = <C extends ShareErrorCode>(
  code: C,
  options: { readonly message?: string; readonly reason?: string } = {},
) => {
  const { status, message } = shareErrors[code];
  const data: unknown = options.reason === undefined ? undefined : { reason: options.reason };
  return new ORPCError<C, unknown>(code, { status, message: options.message ?? message, data });
};
