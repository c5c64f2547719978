// npm run bench -- tomcat-log: sessdoc tomcat-log against the seed runbook's grep and a streaming
// event grouper in mawk, on the same deterministic ~1M-line catalina.out with planted error events.
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {generateCatalinaToFd} from '../fixtures/tomcat-log/generate.mjs'
import {compare, measure} from './lib.mjs'

const root = process.env.SESSDOC_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..')
const lines = Number(process.env.TOMCAT_LOG_BENCH_LINES ?? 1_000_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-tomcat-'))
const file = join(dir, 'catalina.out')

// The hand-made alternative: a header line starts an event; WARN/ERROR events are kept whole and
// classified on their full text when the next header comes.
const grouper = `
function flush() {
  if (err) {
    if (ev ~ /InvalidClassException|local class incompatible/) c["class-incompatible"]++
    else if (ev ~ /NotSerializableException|Cannot serialize session attribute|DefaultSerializer requires/) c["serialization"]++
    else if (ev ~ /OOM command not allowed|READONLY You can|NOAUTH|WRONGPASS|MISCONF|CLUSTERDOWN/) c["redis-server"]++
    else if (ev ~ /RedisConnection|Unable to connect to Redis|Could not get a resource|CommandTimeout|Unexpected end of stream/) c["redis-connection"]++
    else if (ev ~ /Unable to receive message through TCP channel|No session state send|Unable to serialize delta/) c["replication"]++
    else if (ev ~ /Session already invalidated|Too many active sessions/) c["session"]++
    else c["other"]++
  }
  err = 0; ev = ""
}
/^[0-9][0-9]-[A-Z][a-z][a-z]-[0-9][0-9][0-9][0-9] / { flush(); n++; if ($3 == "SEVERE" || $3 == "WARNING") { err = 1; ev = $0 }; if (index($0, "Server startup in")) r++; next }
/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { flush(); n++; if ($2 == "ERROR" || $2 == "WARN") { err = 1; ev = $0 }; next }
{ if (err) ev = ev "\\n" $0 }
END { flush(); printf "events %d restarts %d", n, r; for (k in c) printf " %s=%d", k, c[k]; print "" }
`

/** user + sys seconds and peak RSS of one run, from /usr/bin/time. */
function cpuTime(argv, okStatus = [0]) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', ...argv], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  if (!okStatus.includes(r.status) && r.status !== 2) throw new Error(`${argv.join(' ')} exited ${r.status}`)
  const [user, sys, rss] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return {seconds: user + sys, rssMb: rss / 1024}
}

try {
  const fd = openSync(file, 'w')
  const {truth} = generateCatalinaToFd(fd, {lines})
  closeSync(fd)
  const bytes = statSync(file).size
  const awkFile = join(dir, 'group.awk')
  writeFileSync(awkFile, grouper)
  const awk = existsSync('/usr/bin/mawk') ? 'mawk' : 'awk'
  const sessdoc = [process.execPath, join(root, 'bin', 'run.js'), 'tomcat-log', file, '--json', '--fail-on', 'never']
  const seedGrep = `grep -i 'session\\|serializ\\|redis' ${file}`
  console.log(
    `generated ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB; planted ${JSON.stringify(truth.byCategory)}, restarts ${truth.restarts.length}`,
  )

  // Correctness first: the counts must equal the planted truth.
  const run = measure(sessdoc)
  const section = JSON.parse(run.stdout).sources.tomcatLog
  const grepLines = measure(seedGrep).stdout.split('\n').filter(Boolean).length
  console.log(
    `sessdoc: ${section.events} events, byCategory ${JSON.stringify(section.byCategory)}, restarts ${section.restarts.length}, unclassified ${section.unclassified}`,
  )
  console.log(`${awk} grouper: ${measure([awk, '-f', awkFile, file]).stdout.trim()}`)
  console.log(`seed grep: ${grepLines} lines returned`)
  const agrees =
    Object.entries(truth.byCategory).every(([k, v]) => section.byCategory[k] === v) &&
    section.events === truth.events &&
    section.restarts.length === truth.restarts.length
  if (!agrees) {
    console.error('sessdoc disagrees with the planted truth')
    process.exitCode = 1
  }

  const contenders = [
    {name: 'sessdoc tomcat-log', argv: sessdoc, okStatus: [0, 1, 2]},
    {name: `${awk} event grouper`, argv: [awk, '-f', awkFile, file]},
    {name: "seed grep -i 'session\\|serializ\\|redis'", argv: ['sh', '-c', seedGrep], okStatus: [0, 1]},
    {name: 'sessdoc --version (start-up only)', argv: [process.execPath, join(root, 'bin', 'run.js'), '--version']},
  ]
  compare(`tomcat-log, ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB: wall time`, contenders, {
    rounds,
    units: lines,
    unitName: 'lines',
  })
  // The machine is shared: CPU time (user + sys) is steadier than wall time under load.
  compare(
    `tomcat-log, ${lines.toLocaleString('en-US')} lines: CPU time (user + sys)`,
    contenders.map((c) => ({name: c.name, run: () => cpuTime(c.argv, c.okStatus)})),
    {rounds, units: lines, unitName: 'lines'},
  )
} finally {
  rmSync(dir, {recursive: true, force: true})
}
