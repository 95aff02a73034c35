import { createFreshPostgresDatabase } from "@keypears/server/testing";
import { runSimulation } from "./testing/simulation.ts";

runSimulation("Postgres", {
  database: async () => {
    const fresh = await createFreshPostgresDatabase();
    return { database: { kind: "postgres", url: fresh.url }, drop: fresh.drop };
  },
  numRuns: 5,
  minSteps: 300,
});
