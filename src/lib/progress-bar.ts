import {truncateLine} from '../render/wrap.js'

/**
 * Progress on a terminal, on stderr: a keys-vs-DBSIZE bar (redis scan) and, for every command, an
 * activity line with the elapsed time while it works. Nothing is drawn when stderr is not a TTY,
 * when the report goes to a pipe (stdout not a TTY and no --output), or under JSON.
 */
export interface ProgressBar {
  update(done: number, total: number): void
  done(): void
}

/** When a bar last drew: the activity line stays out of its way. */
let lastBarDraw = 0

export function formatProgress(label: string, done: number, total: number, elapsedMs: number, width = 30): string {
  const share = total > 0 ? Math.min(1, done / total) : 0
  const filled = Math.round(share * width)
  const rate = elapsedMs > 0 ? Math.round((done / elapsedMs) * 1000) : 0
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} keys ${Math.round(share * 100)}% ${rate.toLocaleString('en-US')} keys/s`
}

/** Whether progress may be drawn on `stream`: a terminal, and the report not piped (a file with -o is fine). */
export function progressAllowed(
  stream: Pick<NodeJS.WriteStream, 'isTTY'>,
  options: {stdoutIsTTY?: boolean; toFile?: boolean} = {},
): boolean {
  const stdoutIsTTY = options.stdoutIsTTY ?? process.stdout.isTTY === true
  return stream.isTTY === true && (stdoutIsTTY || options.toFile === true)
}

export function progressBar(stream: NodeJS.WriteStream, label: string): ProgressBar | undefined {
  if (!progressAllowed(stream)) return undefined
  const started = Date.now()
  let last = 0
  let drawn = false
  let finished = false
  return {
    update(done, total) {
      const now = Date.now()
      if (finished || now - last < 100) return
      last = now
      lastBarDraw = now
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

export interface Activity {
  stop(): void
}

const spinner = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'

export function formatActivity(label: string, elapsedMs: number, tick: number): string {
  return `${spinner[tick % spinner.length]} ${label}: working… ${Math.floor(elapsedMs / 1000)} s (Ctrl-C stops and reports what was read)`
}

/**
 * A line that says the command is working, from `delayMs` on (short runs show nothing), redrawn
 * every 250 ms and erased by stop(); it yields to a progress bar that drew in the last half second.
 */
export function activity(stream: NodeJS.WriteStream, label: string, options: {delayMs?: number; toFile?: boolean} = {}): Activity {
  if (!progressAllowed(stream, {toFile: options.toFile})) return {stop() {}}
  const started = Date.now()
  let tick = 0
  let drawn = false
  const timer = setInterval(() => {
    const now = Date.now()
    if (now - started < (options.delayMs ?? 1000) || now - lastBarDraw < 500) return
    drawn = true
    // One line, never wrapped: \r could not return over a wrapped line.
    stream.write(`\r${truncateLine(formatActivity(label, now - started, tick++), Math.max(10, (stream.columns || 80) - 1))}\u001B[K`)
  }, 250)
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      if (drawn) stream.write('\r\u001B[K')
      drawn = false
    },
  }
}
