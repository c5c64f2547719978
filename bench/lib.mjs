// Shared by the benchmarks: time commands alternately in one run (the machine is shared and
// noisy, so ratios of interleaved runs say more than absolute times), with peak RSS from
// /usr/bin/time -f %M.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Redis} from 'ioredis'
import {generateLogToFd} from '../fixtures/access-log/generate.mjs'

const TIME = '/usr/bin/time'

/** Runs `argv` once; returns seconds, peak RSS (MB) and stdout. Shell strings run under sh -c. */
export function measure(argv, {env, input} = {}) {
  const command = typeof argv === 'string' ? ['sh', '-c', argv] : argv
  const withTime = existsSync(TIME) ? [TIME, '-f', '%M', ...command] : command
  const start = process.hrtime.bigint()
  const result = spawnSync(withTime[0], withTime.slice(1), {
    env: {...process.env, ...env},
    input,
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  })
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const rssLine = existsSync(TIME) ? result.stderr.trim().split('\n').pop() : ''
  const rssMb = /^\d+$/.test(rssLine ?? '') ? Number(rssLine) / 1024 : null
  return {seconds, rssMb, status: result.status, stdout: result.stdout, stderr: result.stderr}
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Times each contender `rounds` times, interleaved (A B C A B C …), and prints a table of
 * median seconds, throughput (`units` / s), ratio to the first contender and peak RSS.
 * contenders: [{name, argv | run(): {seconds, rssMb}}]
 */
export function compare(title, contenders, {rounds = 5, units = 0, unitName = 'lines'} = {}) {
  const samples = new Map(contenders.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const c of contenders) {
      const r = c.run ? c.run() : measure(c.argv, c)
      if (r.status !== undefined && r.status !== null && !(c.okStatus ?? [0]).includes(r.status)) {
        throw new Error(`${c.name} exited ${r.status}: ${r.stderr?.slice(0, 500)}`)
      }
      samples.get(c.name).push(r)
    }
  }
  const rows = contenders.map((c) => {
    const runs = samples.get(c.name)
    const seconds = median(runs.map((r) => r.seconds))
    const rss = Math.max(...runs.map((r) => r.rssMb ?? 0))
    return {name: c.name, seconds, rss}
  })
  const base = rows[0].seconds
  console.log(`\n## ${title} (median of ${rounds}, interleaved)`)
  console.log(`| contender | median s | ${unitName}/s | time vs ${rows[0].name} | peak RSS MB |`)
  console.log('| --- | --- | --- | --- | --- |')
  for (const r of rows) {
    const rate = units ? Math.round(units / r.seconds).toLocaleString('en-US') : '–'
    console.log(`| ${r.name} | ${r.seconds.toFixed(3)} | ${rate} | ${(r.seconds / base).toFixed(2)}x | ${r.rss ? r.rss.toFixed(0) : '–'} |`)
  }
  return rows
}

const benchServers = []
process.on('exit', () => {
  for (const {child, dir} of benchServers) {
    child.kill('SIGKILL')
    rmSync(dir, {recursive: true, force: true})
  }
})

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * A bench-owned redis-server on a free loopback port (never the machine's 6379), killed when the
 * bench exits. Returns the port and a connected admin client for loading data.
 */
export async function startBenchRedis(extraArgs = []) {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-redis-'))
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
      ...extraArgs,
    ],
    {stdio: 'ignore'},
  )
  benchServers.push({child, dir})
  const admin = new Redis({port, host: '127.0.0.1', protocol: 2, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0})
  admin.on('error', () => {})
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.connect()
      return {port, admin}
    } catch (error) {
      if (attempt > 200) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}

/** The access-log bench data (access-log, trace): `lines` combined-cookie lines with planted flips, written to `file`. */
export function writeAccessLogBenchData(file, lines) {
  const fd = openSync(file, 'w')
  const {truth} = generateLogToFd(fd, {
    lines,
    format: 'combined-cookie',
    activeSessions: 3000,
    flipRate: 0.002,
    idInUrlRate: 0.0005,
    seed: 2026,
    stepMs: 20,
  })
  closeSync(fd)
  return {truth, bytes: statSync(file).size}
}
