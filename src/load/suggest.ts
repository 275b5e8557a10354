/** "Did you mean" hints: the closest known name by edit distance, when it is close enough to be a likely typo. */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Typos stay within about a third of the word; beyond that a suggestion is noise. */
const maxDistance = (word: string): number => Math.max(1, Math.min(3, Math.floor(word.length / 3)));

export interface Suggestion {
  name: string;
  distance: number;
}

export function closest(word: string, candidates: Iterable<string>): Suggestion | undefined {
  let best: Suggestion | undefined;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = c.toLowerCase() === lower ? 0.5 : editDistance(lower, c.toLowerCase());
    if (d <= maxDistance(word) && (!best || d < best.distance)) best = { name: c, distance: d };
  }
  return best;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = closest(word, candidates);
  return hit ? ` — did you mean "${hit.name}"?` : '';
}
