/**
 * A new item with one title, as an event `vault`'s device would write it: for the tests that seal
 * events themselves (`vault.sync.sealBatchSigned`). Ids are random; clocks increase.
 */

import { randomUUID } from "node:crypto";
import type { DeviceId, Event, EventId, ItemId } from "@keypears/sync-core";
import type { Vault } from "../vault.ts";

let counter = 0;

export const titleEvent = (vault: Vault, title: string): Event => ({
  id: randomUUID() as EventId,
  vaultId: vault.vaultId,
  itemId: randomUUID() as ItemId,
  hlc: { millis: 1_800_000_000_000, counter: counter++, node: vault.deviceId as DeviceId },
  checkpoint: null,
  op: { kind: "set", lifecycleSeen: [], fields: [{ name: "title", value: title, basedOn: [] }] },
});
