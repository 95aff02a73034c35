import { describeEventStoreContract } from "./testing/event-store-contract.ts";
import { createMemoryEventStore } from "./memory-event-store.ts";

describeEventStoreContract("memory", async () => ({
  store: createMemoryEventStore(),
  close: async () => {},
}));
