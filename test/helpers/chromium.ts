import {existsSync} from 'node:fs'

const told = new Set<string>()

/**
 * Headless Chromium for the HTML report test: its path, or why the test is skipped. The reason is
 * printed once (to stderr, so that `npm test` says more than "1 skipped"); under CI a missing
 * Chromium is a failure instead, since .ci/run installs it.
 */
export function findChromium(
  candidates = (process.env.SESSDOC_CHROMIUM ?? '/usr/bin/chromium:/usr/bin/chromium-browser').split(':'),
  write: (text: string) => void = (text) => process.stderr.write(text),
): {path: string | undefined; skip: string | undefined} {
  const path = candidates.find((p) => p && existsSync(p))
  if (path || process.env.CI) return {path, skip: undefined}
  const skip = `chromium is missing (looked for ${candidates.join(', ')}): the HTML report test in headless Chromium is skipped; install it with apt-get install chromium`
  if (!told.has(skip)) {
    told.add(skip)
    write(`\nsessdoc tests: ${skip}\n`)
  }
  return {path, skip}
}
