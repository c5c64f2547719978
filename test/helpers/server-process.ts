/** What the real-server test helpers share: a free loopback port, and a server process started, awaited and stopped. */
import {type ChildProcess, spawn} from 'node:child_process'
import {readFile, rm} from 'node:fs/promises'
import {createServer} from 'node:net'

const children = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL')
})

/** A free TCP port on loopback (never 6379: that one belongs to the machine). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export interface ServerProcess {
  process: ChildProcess
  /** Kills the server (SIGKILL: its data is the test's, nothing to flush), waits for it, removes its dir. */
  stop(): Promise<void>
}

export interface ServerStart {
  command: string
  args: string[]
  /** The server's temp dir: removed when it stops. */
  dir: string
  cwd?: string
  /** The port named when it does not start. */
  port: number
  /** True once the server answers; a throw counts as not yet. */
  ready(): Promise<boolean>
  timeoutMs: number
  pollMs: number
  /** The server's own error log, whose end is added to the error when it does not start. */
  errorLog?: string
}

/**
 * Spawns a server and waits until it answers. One that exits or does not answer in time is killed,
 * and the error ends with what it wrote on stderr. Servers left running are killed when the test
 * process exits.
 */
export async function startServerProcess(start: ServerStart): Promise<ServerProcess> {
  const child = spawn(start.command, start.args, {stdio: ['ignore', 'ignore', 'pipe'], cwd: start.cwd})
  children.add(child)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const server: ServerProcess = {
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }
      children.delete(child)
      await rm(start.dir, {recursive: true, force: true})
    },
  }
  const deadline = Date.now() + start.timeoutMs
  for (;;) {
    if (await start.ready().catch(() => false)) return server
    if (child.exitCode !== null || Date.now() > deadline) {
      const how = child.exitCode !== null ? `exited ${child.exitCode}` : `gave no answer in ${start.timeoutMs} ms`
      const log = start.errorLog ? await readFile(start.errorLog, 'utf8').catch(() => '') : ''
      await server.stop()
      throw new Error(`${start.command} on port ${start.port} did not start (${how}): ${stderr.slice(-1000)}${log.slice(-2000)}`)
    }
    await new Promise((r) => setTimeout(r, start.pollMs))
  }
}
