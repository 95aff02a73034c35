/**
 * The view opener's worker: opens the sealed item views the vault worker hands it (a share of
 * them, at unlock, while the vault worker opens the rest) and answers with them as one JSON array.
 * It keeps nothing: the store key comes with each request and is wiped once that request is done.
 */

import type { ViewOpenRequest, ViewOpenAnswer } from "./view-opener.ts";
import { openViewsAsJson } from "@keypears/vault/core";

const scope = globalThis as unknown as {
  readonly postMessage: (message: ViewOpenAnswer) => void;
  readonly addEventListener: (
    type: "message",
    listener: (event: { data: ViewOpenRequest }) => void,
  ) => void;
};

scope.addEventListener("message", ({ data }) => {
  try {
    scope.postMessage({
      id: data.id,
      json: openViewsAsJson(data.storeKey, data.vaultId, data.rows),
    });
  } catch {
    scope.postMessage({ id: data.id, json: null });
  } finally {
    data.storeKey.fill(0);
  }
});
