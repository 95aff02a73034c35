import { runSimulation } from "./testing/simulation.ts";

runSimulation("embedded PGlite", {
  database: async () => ({ database: { kind: "memory" }, drop: async () => {} }),
  numRuns: 12,
  minSteps: 1000,
});
