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

/** A subject with its own time budget: it runs at least `minRuns` times, then only while its runs so far took less than `budgetMs`. */
export interface BudgetedSubject extends Subject {
  readonly minRuns: number;
  readonly budgetMs: number;
}

/**
 * Interleaved rounds like `runRounds` (no warm-up: the caller warms each subject up first), for
 * subjects of very different cost: each stops at `runs`, or earlier once it has used its budget,
 * so a slow subject gets fewer runs (never fewer than its `minRuns`) and the suite keeps to time.
 */
export const runBudgetedRounds = async (
  subjects: readonly BudgetedSubject[],
  options: { readonly runs: number; readonly log?: (line: string) => void },
): Promise<ReadonlyMap<string, readonly number[]>> => {
  const samplesByKey = new Map<string, number[]>(subjects.map((s) => [s.key, []]));
  const wants = (subject: BudgetedSubject): boolean => {
    const samples = samplesByKey.get(subject.key) as number[];
    const spent = samples.reduce((sum, ms) => sum + ms, 0);
    return (
      samples.length < options.runs &&
      (samples.length < Math.min(subject.minRuns, options.runs) || spent < subject.budgetMs)
    );
  };
  for (let round = 0; subjects.some(wants); round++) {
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[(round + i) % subjects.length] as BudgetedSubject;
      if (!wants(subject)) continue;
      const ms = await subject.runOnce();
      const samples = samplesByKey.get(subject.key) as number[];
      samples.push(ms);
      options.log?.(`  run ${samples.length} ${subject.key}: ${ms.toFixed(0)} ms`);
    }
  }
  return samplesByKey;
};
