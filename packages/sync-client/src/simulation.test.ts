import { runSimulation } from "./testing/simulation.ts";

runSimulation("embedded PGlite", {
  database: async () => ({ database: { kind: "memory" }, drop: async () => {} }),
  numRuns: 12,
  // 12 plans of at least 60 steps: a bound fast-check's draws always meet. 1000 fails about 1 run
  // in 700 (fast-check biases some runs toward the shortest plans).
  minSteps: 720,
});
