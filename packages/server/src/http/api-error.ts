/**
 * Builds the typed errors of the contract (`apiErrors` in @keypears/api) with their status and
 * default message, so every failure leaves the server in the one documented shape.
 */

import { type ApiErrorCode, apiErrors } from "@keypears/api";
import { ORPCError } from "@orpc/server";
import type { z } from "zod";

type DataOf<C extends ApiErrorCode> = (typeof apiErrors)[C] extends { readonly data: z.ZodType }
  ? z.input<(typeof apiErrors)[C]["data"]>
  : undefined;

export const apiError = <C extends ApiErrorCode>(
  code: C,
  options: { readonly message?: string; readonly data?: DataOf<C> } = {},
): ORPCError<C, DataOf<C>> => {
  const { status, message } = apiErrors[code];
  return new ORPCError(code, {
    status,
    message: options.message ?? message,
    data: options.data as DataOf<C>,
  });
};
