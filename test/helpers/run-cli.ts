import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'

export const binPath = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliRun {
  stdout: string
  stderr: string
  code: number | null
}

/** Runs the real binary (dist/ must be built: npm test builds first). */
export function runCli(args: string[], options: {env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number} = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [binPath, ...args],
      {
        env: {...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env},
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error && typeof (error as {code?: unknown}).code === 'number' ? (error as {code: number}).code : error ? null : 0
        resolve({stdout, stderr, code})
      },
    )
    if (options.input !== undefined) child.stdin?.end(options.input)
    else child.stdin?.end()
  })
}
