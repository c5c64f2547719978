const bars = '▁▂▃▄▅▆▇█'

/** A one-line chart of counts; zero stays a blank-ish floor so quiet minutes read as quiet. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values)
  if (max === 0) return bars[0]!.repeat(values.length)
  return values.map((v) => (v <= 0 ? ' ' : bars[Math.min(bars.length - 1, Math.ceil((v / max) * bars.length) - 1)])).join('')
}

/** Reduces a long series to at most `width` points by summing neighbours. */
export function downsample(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values]
  const step = values.length / width
  const out: number[] = []
  for (let i = 0; i < width; i++) {
    let sum = 0
    for (let j = Math.floor(i * step); j < Math.floor((i + 1) * step); j++) sum += values[j] ?? 0
    out.push(sum)
  }
  return out
}
