import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

interface Runnable {
  run(argv: string[], root: string): Promise<unknown>
}

/**
 * Runs a command class in-process and captures what it writes and the exit code it sets, without
 * a child process (faster than the binary; the binary itself is tested in test/cli).
 */
export async function runCommand(command: Runnable, args: string[]): Promise<{stdout: string; stderr: string; code: number}> {
  const out = {stdout: '', stderr: ''}
  const originals = {stdout: process.stdout.write, stderr: process.stderr.write}
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      out[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()
      ;(rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.()
      return true
    }) as typeof process.stdout.write
  process.exitCode = undefined
  process.stdout.write = capture('stdout')
  process.stderr.write = capture('stderr')
  try {
    await command.run(args, root)
  } finally {
    process.stdout.write = originals.stdout
    process.stderr.write = originals.stderr
  }
  const code = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {...out, code}
}
