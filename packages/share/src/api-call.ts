/** Runs a call to a server and turns its failure into a `SharingError` value. */

import { err, ok, type Result } from "@keypears/base";
import { ORPCError } from "@orpc/client";
import type { SharingError } from "./sharing-error.ts";

export const call = async <T>(
  work: () => Promise<T>,
): Promise<Result<T, SharingError & { code?: string }>> => {
  try {
    return ok(await work());
  } catch (error) {
    if (error instanceof ORPCError) {
      if (error.status >= 500 || error.status === 429)
        return err({ kind: "network", detail: `${error.status} ${error.message}` });
      return err({ kind: "refused", code: String(error.code), detail: error.message });
    }
    return err({ kind: "network", detail: error instanceof Error ? error.message : String(error) });
  }
};
