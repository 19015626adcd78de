/** "Did you mean" hints shared by the pipeline loader and the Arc lint. */

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** How {@link closest} compares. */
export interface ClosestOptions {
  /**
   * Largest distance still suggested.
   * @default - a third of the word's length, at least 2
   */
  readonly limit?: number;
  /**
   * Applied to both sides before comparing.
   * @default - lower case
   */
  readonly normalize?: (s: string) => string;
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closest(
  word: string,
  candidates: readonly string[],
  options: ClosestOptions = {},
): string | undefined {
  const normalize = options.normalize ?? ((s: string) => s.toLowerCase());
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(normalize(word), normalize(candidate));
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= (options.limit ?? Math.max(2, Math.floor(word.length / 3))) ? best : undefined;
}
