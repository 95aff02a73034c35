/**
 * Interleaved measurement: every contender runs once per round, in an order that rotates each
 * round, so a slow spell of a noisy machine lands on all of them alike and the ratios hold.
 */

export interface Subject {
  readonly key: string;
  /** One run; resolves with its duration in milliseconds. */
  readonly runOnce: () => Promise<number>;
}

export interface RoundOptions {
  /** Rounds run first and discarded. */
  readonly warmups: number;
  readonly runs: number;
  readonly log?: (line: string) => void;
}

export const runRounds = async (
  subjects: readonly Subject[],
  options: RoundOptions,
): Promise<ReadonlyMap<string, readonly number[]>> => {
  const samplesByKey = new Map<string, number[]>(subjects.map((s) => [s.key, []]));
  const rounds = options.warmups + options.runs;
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmups;
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[(round + i) % subjects.length] as Subject;
      const ms = await subject.runOnce();
      if (measured) samplesByKey.get(subject.key)?.push(ms);
      options.log?.(
        `  ${measured ? `run ${round - options.warmups + 1}/${options.runs}` : "warm-up"} ${subject.key}: ${ms.toFixed(0)} ms`,
      );
    }
  }
  return samplesByKey;
};
