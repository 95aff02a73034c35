/** Summary statistics of repeated measurements: the median with its spread. */

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartiles (linear interpolation between samples). */
  readonly q1: number;
  readonly q3: number;
}

const quantile = (sorted: readonly number[], q: number): number => {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
};

export const summarize = (samples: readonly number[]): Summary => {
  if (samples.length === 0) throw new Error("cannot summarize zero samples");
  if (samples.some((s) => !Number.isFinite(s)))
    throw new Error(`non-finite sample in ${samples.join(", ")}`);
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  };
};

/** Latency percentiles of one series of samples, with the number of samples they come from. */
export interface Percentiles {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** p50 and p99 by linear interpolation between the sorted samples (the same rule as the quartiles). */
export const percentiles = (samples: readonly number[]): Percentiles => {
  const summary = summarize(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: summary.n, p50: summary.median, p99: quantile(sorted, 0.99), max: summary.max };
};
