/**
 * Seeds and sizes of property tests that print their seed before they run (fast-check prints it
 * only on failure, and not for failures outside its assertion). `KEYPEARS_PROPERTY_SEED` replays
 * one; `KEYPEARS_PROPERTY_RUNS` runs more (or fewer) cases.
 */

/** The seed to run `name` with, printed with what a replay reproduces (`replays`). */
export const propertySeed = (name: string, replays = "it"): number => {
  const given = process.env["KEYPEARS_PROPERTY_SEED"];
  const seed = given === undefined ? Date.now() % 2 ** 31 : Number(given);
  if (!Number.isSafeInteger(seed))
    throw new Error(`KEYPEARS_PROPERTY_SEED is not an integer: ${given}`);
  console.log(`${name} seed ${seed} (KEYPEARS_PROPERTY_SEED replays ${replays})`);
  return seed;
};

/** How many cases to run: `KEYPEARS_PROPERTY_RUNS`, or `fallback`. */
export const propertyRuns = (fallback: number): number => {
  const given = process.env["KEYPEARS_PROPERTY_RUNS"];
  const runs = given === undefined ? fallback : Number(given);
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new Error(`KEYPEARS_PROPERTY_RUNS is not a positive integer: ${given}`);
  return runs;
};
