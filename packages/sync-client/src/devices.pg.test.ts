import { createFreshPostgresDatabase } from "@keypears/server/testing";
import { describeDeviceScenarios } from "./testing/device-scenarios.ts";

await describeDeviceScenarios("Postgres", async () => {
  const fresh = await createFreshPostgresDatabase();
  return { database: { kind: "postgres", url: fresh.url }, drop: fresh.drop };
});
