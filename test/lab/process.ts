/** Process plumbing of the real-server lab: free loopback ports, temp dirs, detached servers stopped by pid. */
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const LOOPBACK = '127.0.0.1'

/** The commands the lab needs (Debian: apache2 haproxy nginx-light tomcat10 openjdk-17-jdk-headless). */
export const LAB_COMMANDS = ['/usr/sbin/apache2', '/usr/sbin/haproxy', '/usr/sbin/nginx', 'java', 'javac'] as const
export const CATALINA_HOME = '/usr/share/tomcat10'

/** Null when every lab command is present, else what is missing (one line for the skip notice). */
export function missingLabCommands(): string | null {
  const missing: string[] = LAB_COMMANDS.filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0)
  if (spawnSync('test', ['-f', `${CATALINA_HOME}/bin/bootstrap.jar`]).status !== 0) missing.push(`${CATALINA_HOME}/bin/bootstrap.jar`)
  return missing.length === 0 ? null : missing.join(', ')
}

export {freePort} from '../helpers/server-process.js'

const tempDirs: string[] = []

export function labTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sessdoc-lab-${prefix}-`))
  tempDirs.push(dir)
  return dir
}

export function removeLabTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, {recursive: true, force: true})
}

/** A server process started by the lab: its own process group, output to files. */
export class LabProcess {
  private exited = false
  readonly exit: Promise<number | null>

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly stdoutFile: string,
  ) {
    this.exit = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.exited = true
        resolve(code)
      })
    })
    running.add(this)
  }

  get pid(): number {
    return this.child.pid!
  }

  get alive(): boolean {
    return !this.exited
  }

  /** Sends `signal` to the process group, waits up to `graceMs`, then SIGKILLs the group. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (!this.exited) {
      killGroup(this.pid, signal)
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref())
      if ((await Promise.race([this.exit, timer])) === 'timeout') {
        killGroup(this.pid, 'SIGKILL')
        await this.exit
      }
    }
    // Whatever the leader left behind in its group (nginx/apache workers) goes too.
    killGroup(this.pid, 'SIGKILL')
    running.delete(this)
  }
}

const running = new Set<LabProcess>()

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // the group is gone
  }
}

/** Stops every lab process still running (afterAll). */
export async function stopAllLabProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGTERM', 10_000)))
}

// A test worker that dies must not leave a JVM behind.
process.once('exit', () => {
  for (const p of running) killGroup(p.pid, 'SIGKILL')
})

/** Spawns `command` detached (its own process group) with stdout (and stderr, unless `errFile`) appended to `outFile`. */
export function spawnServer(
  name: string,
  command: string,
  args: string[],
  outFile: string,
  options: {env?: NodeJS.ProcessEnv; errFile?: string} = {},
): LabProcess {
  const fd = openSync(outFile, 'a')
  const errFd = options.errFile ? openSync(options.errFile, 'a') : fd
  const child = spawn(command, args, {detached: true, stdio: ['ignore', fd, errFd], env: {...process.env, ...options.env}})
  closeSync(fd)
  if (errFd !== fd) closeSync(errFd)
  return new LabProcess(name, child, outFile)
}

/** Polls until `url` answers (any HTTP status) or the process dies or time runs out. */
export async function waitForHttp(url: string, proc: LabProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (!proc.alive) throw new Error(`${proc.name} exited before answering ${url} (see ${proc.stdoutFile})`)
    try {
      const res = await fetch(url, {signal: AbortSignal.timeout(2000)})
      await res.arrayBuffer()
      return
    } catch {
      if (Date.now() > deadline) throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs} ms (see ${proc.stdoutFile})`)
      await sleep(100)
    }
  }
}

/** Lines of the users' requests (the app's pages, not the health checks) in one log. */
export function userRequestLines(text: string): number {
  return text.match(/ \/app\/(?:hello|login|cart)/g)?.length ?? 0
}

/**
 * Waits until the logs hold `expected` lines of the users' requests in all (or throws after `timeoutMs`). A server
 * writes a request's line after the client has its response: a log read, or a server stopped, right after the last
 * response may miss the last line (the lab's one flaky figure, requestsWithSession, was that race).
 */
export async function waitForLogLines(paths: readonly string[], expected: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    let found = 0
    for (const path of paths) found += userRequestLines(existsSync(path) ? readFileSync(path, 'utf8') : '')
    if (found >= expected) return
    if (Date.now() > deadline) throw new Error(`${paths.join(', ')}: ${found} of ${expected} requests logged after ${timeoutMs} ms`)
    await sleep(20)
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
