/** Levenshtein distance, for a did-you-mean. */
export function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The known name nearest to what was typed, when it is near enough to be a typo (case, `-`/`_`
 * and up to a quarter of the letters, at least 2, told apart), else undefined.
 */
export function didYouMean(typed: string, known: readonly string[]): string | undefined {
  const fold = (s: string): string => s.toLowerCase().replace(/[-_]/g, '')
  const exact = known.find((k) => fold(k) === fold(typed))
  if (exact) return exact
  const scored = known.map((k) => ({k, d: distance(fold(k), fold(typed))})).sort((a, b) => a.d - b.d)[0]
  return scored && scored.d <= Math.max(2, Math.floor(typed.length / 4)) ? scored.k : undefined
}
