import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {binPath} from '../helpers/run-cli.js'

const demoLines =
  readFileSync(new URL('../../fixtures/demo/access.log', import.meta.url), 'utf8')
    .split('\n')
    .slice(0, 200)
    .join('\n') + '\n'
const appLines = readFileSync(new URL('../../fixtures/demo/node2/catalina.out', import.meta.url), 'utf8')

/** Starts sessdoc on a pipe that stays open, sends `signal` once it has read, and collects what it printed. */
function interrupt(args: string[], input: string, signal: NodeJS.Signals): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], {env: {...process.env, NO_COLOR: '1'}, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    child.stdin.write(input)
    const timer = setTimeout(() => child.kill(signal), 2500)
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      clearTimeout(killer)
      resolve({code, stdout, stderr})
    })
  })
}

describe('Ctrl-C and SIGTERM', () => {
  it.each([
    ['access-log', ['access-log', '-', '--json'], demoLines, 'accessLog', 'SIGINT'],
    ['tomcat-log', ['tomcat-log', '-', '--json'], appLines, 'tomcatLog', 'SIGTERM'],
    ['diagnose', ['diagnose', '--access-log', '-', '--json'], demoLines, 'accessLog', 'SIGINT'],
  ] as const)(
    '%s on a pipe that never ends prints the partial report and exits by its status',
    async (_name, args, input, key, signal) => {
      const run = await interrupt([...args], input, signal)
      const report = JSON.parse(run.stdout) as {
        status: string
        partial?: boolean
        sources: Record<string, {status: string; lines?: number; partial?: boolean}>
      }
      expect(report.partial).toBe(true)
      expect(report.sources[key]).toMatchObject({status: 'analyzed', partial: true})
      expect(report.sources[key]?.lines).toBe(input.split('\n').length - 1)
      expect(run.code).toBe({ok: 3, warning: 1, critical: 2, unknown: 3}[report.status])
      expect(run.stderr).toMatch(new RegExp(`${signal}: stopping`))
      expect(run.stderr).not.toMatch(/\n\s+at /)
    },
    30_000,
  )
})
