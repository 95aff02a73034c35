/** Pearson's chi-squared statistic, for tests that a random choice is plausibly uniform. */

export const chiSquared = (counts: readonly number[]): number => {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
};
