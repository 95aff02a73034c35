import { describeDeviceScenarios } from "./testing/device-scenarios.ts";

await describeDeviceScenarios("embedded PGlite", async () => ({
  database: { kind: "memory" },
  drop: async () => {},
}));
