// npm run bench -- watch: `sessdoc watch` must keep up with 20,000 lines/s appended while using under 150 MB
// (issue #17). A writer appends HAProxy log lines (3 nodes, ~6000 live sessions, new ones arriving) at RATE lines/s
// for SECONDS to a file that `watch` follows from its end; halfway, node2 "restarts": for one second its users are
// sent to node1, which hands them new ids (planted losses). Reported: lines/s processed, how far behind watch fell
// (its most unread bytes at one poll, in seconds of writing), whether it had read every line when the writer stopped,
// planted vs counted losses, peak RSS (/usr/bin/time -f %M).
import {spawn} from 'node:child_process'
import {closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = process.env.SESSDOC_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..')
const RATE = Number(process.env.WATCH_BENCH_RATE ?? 20_000)
const SECONDS = Number(process.env.WATCH_BENCH_SECONDS ?? 20)
const SESSIONS = 6000
const TICK_MS = 50
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const p2 = (n) => String(n).padStart(2, '0')
const p3 = (n) => String(n).padStart(3, '0')
const stamp = (ms) => {
  const d = new Date(ms)
  return `${p2(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}`
}
const hex = (n) => n.toString(16).toUpperCase().padStart(32, '0')

const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-watch-'))
const file = join(dir, 'haproxy.log')
closeSync(openSync(file, 'w'))

// Each slot is a user: its session (generation), its node, the ids it was handed.
const generation = new Uint32Array(SESSIONS)
const node = (slot, gen) => ((slot * 7 + gen) % 3) + 1
let planted = 0

function line(i, now, restarting) {
  const slot = i % SESSIONS
  // ~1 in 200 requests starts a new session for its user (a new visitor).
  if (i % 200 === 199) generation[slot]++
  const gen = generation[slot]
  const home = node(slot, gen)
  const id = `${hex(slot * 65_536 + gen)}.node${home}`
  let served = home
  let setCookie = '-'
  if (restarting && home === 2) {
    // node2 is down: its users land on node1, which has no session for them and hands out a new id.
    served = 1
    generation[slot] += 1_000
    while (node(slot, generation[slot]) !== 1) generation[slot]++
    setCookie = `JSESSIONID=${hex(slot * 65_536 + generation[slot])}.node1`
    planted++
  }
  return `10.0.${(slot >> 8) & 255}.${slot & 255}:4${p3(i % 1000)} [${stamp(now)}] lab be/node${served} 0/0/0/2/2 200 297 JSESSIONID=${id} ${setCookie} --NI 2/2/0/0/0 0/0 "GET /app/page/${i % 97} HTTP/1.1"\n`
}

const time = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M'] : []
const args = [
  join(root, 'bin/run.js'),
  'watch',
  '--access-log',
  file,
  '--interval',
  '1s',
  '--duration',
  `${SECONDS + 5}s`,
  '--timezone',
  'UTC',
  '--json',
]
const child = spawn(time[0] ?? process.execPath, time.length ? [...time.slice(1), process.execPath, ...args] : args, {
  stdio: ['ignore', 'pipe', 'pipe'],
})
let stdout = ''
let stderr = ''
child.stdout.on('data', (d) => (stdout += d))
child.stderr.on('data', (d) => (stderr += d))
const exited = new Promise((resolve) => child.on('close', resolve))
// Wait for watch to follow (its first interval line), then write.
while (!/ requests, /.test(stderr)) await new Promise((r) => setTimeout(r, 50))

const fd = openSync(file, 'a')
const began = Date.now()
let written = 0
let bytes = 0
while (Date.now() - began < SECONDS * 1000) {
  const now = Date.now()
  const due = Math.floor(((now - began) / 1000) * RATE)
  const restarting = now - began >= (SECONDS / 2) * 1000 && now - began < (SECONDS / 2 + 1) * 1000
  let chunk = ''
  for (; written < due; written++) chunk += line(written, now, restarting)
  if (chunk) bytes += writeSync(fd, chunk)
  await new Promise((r) => setTimeout(r, TICK_MS - ((Date.now() - now) % TICK_MS)))
}
const wroteFor = (Date.now() - began) / 1000
closeSync(fd)
const code = await exited
const rssKb = Number(stderr.trim().split('\n').pop())
const report = JSON.parse(stdout)
const w = report.sources.watch
const f = w.files[0]
const bytesPerSecond = bytes / wroteFor
// The intervals that ended after the writer stopped: lines still read then were behind.
const writerEnd = began + wroteFor * 1000
const lateLines = w.intervals.filter((i) => Date.parse(i.start) >= writerEnd + 1000).reduce((n, i) => n + i.lines, 0)
console.log(`\n## watch following a file appended at ${RATE} lines/s for ${SECONDS} s (exit ${code})`)
console.log('| figure | value |')
console.log('| --- | --- |')
console.log(`| lines written / counted by watch | ${written} / ${f.lines} |`)
console.log(`| write rate (lines/s, MB/s) | ${Math.round(written / wroteFor)}, ${(bytesPerSecond / 1e6).toFixed(2)} |`)
console.log(`| lines/s processed (counted / writing time) | ${Math.round(f.lines / wroteFor)} |`)
console.log(
  `| most unread at one poll | ${f.maxBacklogBytes} bytes = ${((f.maxBacklogBytes / bytesPerSecond) * 1000).toFixed(0)} ms of writing |`,
)
console.log(`| lines read more than 1 s after the writer stopped | ${lateLines} |`)
console.log(`| busiest interval (lines) | ${Math.max(...w.intervals.map((i) => i.lines))} |`)
console.log(`| planted losses / counted lost | ${planted} / ${w.totals.lost} (misrouted ${w.totals.misrouted}) |`)
console.log(`| peak RSS | ${Number.isFinite(rssKb) ? `${(rssKb / 1024).toFixed(0)} MB` : 'n/a (no /usr/bin/time)'} |`)
rmSync(dir, {recursive: true, force: true})
const ok = f.lines === written && lateLines === 0 && (!Number.isFinite(rssKb) || rssKb < 150 * 1024)
if (!ok) console.log('FAIL: watch fell behind, missed lines or used 150 MB or more')
process.exit(ok ? 0 : 1)
