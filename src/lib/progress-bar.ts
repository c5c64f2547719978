/**
 * A one-line keys-vs-DBSIZE progress bar for a terminal (the command passes stderr). It draws
 * nothing when the stream is not a TTY, so pipes, files and JSON on stdout never see it.
 */
export interface ProgressBar {
  update(done: number, total: number): void
  done(): void
}

export function formatProgress(label: string, done: number, total: number, elapsedMs: number, width = 30): string {
  const share = total > 0 ? Math.min(1, done / total) : 0
  const filled = Math.round(share * width)
  const rate = elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000) : 0
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} keys ${Math.round(share * 100)}% ${rate.toLocaleString('en-US')} keys/s`
}

export function progressBar(stream: NodeJS.WriteStream, label: string): ProgressBar | undefined {
  if (!stream.isTTY) return undefined
  const started = Date.now()
  let last = 0
  let drawn = false
  let finished = false
  return {
    update(done, total) {
      const now = Date.now()
      if (finished || now - last < 100) return
      last = now
      drawn = true
      stream.write(`\r${formatProgress(label, done, total, now - started)}\u001B[K`)
    },
    done() {
      if (finished) return
      finished = true
      if (drawn) stream.write('\r\u001B[K')
    },
  }
}
