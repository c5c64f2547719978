// npm run bench -- drain-status: `drain-status` on a 1 GB live access log (24 hours, combined-cookie) with a
// 30-minute timeout must answer in under 1 s (issue #17): it reads the log from its end, only as far as the
// timeout reaches. The balancer is a balancer-manager page served on a loopback port (node2 in drain mode).
import {closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync} from 'node:fs'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {median} from './lib.mjs'

const root = process.env.SESSDOC_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..')
const targetBytes = Number(process.env.DRAIN_BENCH_BYTES ?? 1024 ** 3)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const DAY = 86_400_000
const TIMEOUT = 30 * 60_000
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const p2 = (n) => String(n).padStart(2, '0')
const stamp = (ms) => {
  const d = new Date(ms)
  return `${p2(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`
}

/** 24 hours of requests ending now: 3000 sessions at a time, each living ~20 minutes, on node1..node3. */
function generate(file) {
  const end = Date.now()
  const lineBytes = 190
  const lines = Math.floor(targetBytes / lineBytes)
  const step = DAY / lines
  const lastSeen = new Map()
  const fd = openSync(file, 'w')
  let buffer = ''
  let written = 0
  for (let i = 0; i < lines; i++) {
    const t = end - DAY + i * step
    const slot = i % 3000
    const generation = Math.floor(t / (20 * 60_000) + slot / 3000)
    const n = generation * 3000 + slot
    const route = `node${(n % 3) + 1}`
    const id = `${n.toString(16).padStart(32, '0')}.${route}`
    if (route === 'node2') lastSeen.set(n, t)
    buffer += `10.${(slot >> 8) & 255}.${slot & 255}.7 - - [${stamp(t)}] "GET /app/page/${i % 97} HTTP/1.1" 200 5120 "-" "Mozilla/5.0 (X11; Linux x86_64) bench/${slot}" "${id}"\n`
    if (buffer.length > 4_000_000) {
      written += writeSync(fd, buffer)
      buffer = ''
    }
  }
  written += writeSync(fd, buffer)
  closeSync(fd)
  return {bytes: written, lines, boundSince: (since) => [...lastSeen.values()].filter((t) => Math.floor(t / 1000) * 1000 >= since).length}
}

const page = `<html><head><title>Balancer Manager</title></head><body>
<h3>LoadBalancer Status for <a href="/balancer-manager?b=lab">balancer://lab</a> [p1_lab]</h3>
<table><tr><th>Worker URL</th><th>Route</th><th>RouteRedir</th><th>Factor</th><th>Set</th><th>Status</th></tr>
<tr><td><a href="#">http://127.0.0.1:8081</a></td><td>node1</td><td></td><td>1.00</td><td>0</td><td>Init Ok </td></tr>
<tr><td><a href="#">http://127.0.0.1:8082</a></td><td>node2</td><td></td><td>1.00</td><td>0</td><td>Init Drn Ok </td></tr>
<tr><td><a href="#">http://127.0.0.1:8083</a></td><td>node3</td><td></td><td>1.00</td><td>0</td><td>Init Ok </td></tr>
</table></body></html>`

const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-drain-'))
const file = join(dir, 'access.log')
const server = createServer((_req, res) => res.end(page))
try {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}/balancer-manager`
  const started = Date.now()
  const planted = generate(file)
  console.log(
    `generated ${planted.lines.toLocaleString('en-US')} lines, ${(statSync(file).size / 1e6).toFixed(0)} MB over 24 h in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
  const argv = [
    process.execPath,
    join(root, 'bin', 'run.js'),
    'drain-status',
    '--route',
    'node2',
    '--balancer',
    url,
    '--access-log',
    file,
    '--timeout',
    '30m',
    '--json',
  ]
  const runs = []
  for (let r = 0; r < rounds; r++) {
    // The page server answers in this process: the CLI is spawned, not run with spawnSync.
    const before = Date.now()
    const run = await measureAsync(argv)
    // The check's "now" lies between before and after: sessions idle right at the cutoff may count either way.
    const truth = {most: planted.boundSince(before - TIMEOUT), least: planted.boundSince(Date.now() - TIMEOUT)}
    runs.push({...run, section: JSON.parse(run.stdout).sources.drain, truth})
  }
  const seconds = median(runs.map((r) => r.seconds))
  const last = runs.at(-1)
  console.log(`\n## drain-status, ${(planted.bytes / 1e9).toFixed(2)} GB log, 30-minute timeout (median of ${rounds})`)
  console.log('| median s | peak RSS MB | MB read | lines read | bound sessions | planted | verdict |')
  console.log('| --- | --- | --- | --- | --- | --- | --- |')
  console.log(
    `| ${seconds.toFixed(3)} | ${Math.max(...runs.map((r) => r.rssMb ?? 0)).toFixed(0)} | ${(last.section.log.bytesRead / 1e6).toFixed(1)} | ${last.section.log.lines} | ${last.section.boundSessions} | ${last.truth.least}–${last.truth.most} | ${last.section.verdict} |`,
  )
  if (runs.some((r) => r.section.boundSessions < r.truth.least || r.section.boundSessions > r.truth.most)) {
    console.error('drain-status disagrees with the planted sessions')
    process.exitCode = 1
  }
  if (seconds >= 1) {
    console.error(`drain-status took ${seconds.toFixed(3)} s: the goal is under 1 s`)
    process.exitCode = 1
  }
} finally {
  server.close()
  rmSync(dir, {recursive: true, force: true})
}

/** measure() runs synchronously, which would block this process's page server: spawn instead. */
async function measureAsync(argv) {
  const {spawn} = await import('node:child_process')
  const start = process.hrtime.bigint()
  return new Promise((resolve) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', ...argv])
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (status) => {
      const rss = Number(stderr.trim().split('\n').pop())
      resolve({seconds: Number(process.hrtime.bigint() - start) / 1e9, rssMb: Number.isFinite(rss) ? rss / 1024 : null, status, stdout})
    })
  })
}
