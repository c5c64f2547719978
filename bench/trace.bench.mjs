// npm run bench -- trace: `sessdoc trace ID` against `grep -cF ID` on the access-log bench data (the same
// deterministic ~1M-line combined + "%{JSESSIONID}C" log as bench/access-log). The trace byte-searches the file for
// the id, then (after the id's first line) for the client's address too, and parses only the lines that hold one.
// TRACE_BENCH_LINES scales the file (e.g. 10000000 for ~1.6 GB).
import {closeSync, mkdtempSync, openSync, readSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {compare, measure, writeAccessLogBenchData} from './lib.mjs'

const root = process.env.SESSDOC_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..')
const lines = Number(process.env.TRACE_BENCH_LINES ?? process.env.ACCESS_LOG_BENCH_LINES ?? 1_000_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-trace-'))
const file = join(dir, 'access.log')

try {
  const {bytes} = writeAccessLogBenchData(file, lines)
  // A session from the middle of the file: its id is the last quoted field of a line there.
  const middle = Buffer.alloc(4096)
  const rfd = openSync(file, 'r')
  readSync(rfd, middle, 0, 4096, Math.floor(bytes / 2))
  closeSync(rfd)
  const id = /"([0-9A-F]{32})\.[a-z0-9]+"\n/.exec(middle.toString())[1]
  const grepCount = Number(measure(['grep', '-cF', id, file]).stdout.trim())
  const sessdoc = [process.execPath, join(root, 'bin', 'run.js'), 'trace', id, '--access-log', file, '--json', '--fail-on', 'never']
  const run = measure(sessdoc)
  const section = JSON.parse(run.stdout).sources.trace
  const own = section.requests.filter((r) => r.session === section.ids[0] || r.session.startsWith(`${section.ids[0]}.`)).length
  console.log(
    `generated ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB; session from the middle: grep -cF finds ${grepCount} lines, trace ${own} requests of the id (${section.requests.length} with the ids it moved on to), ${section.scan.matchedLines} lines matched its byte search, ${section.scan.parsedLines} parsed`,
  )
  if (own !== grepCount) {
    console.error('trace disagrees with grep -cF on the requests of the id')
    process.exitCode = 1
  }

  // The core alone, in this process (no CLI start-up): the part that grows with the file.
  const {traceSession, parseTraceId} = await import(pathToFileURL(join(root, 'dist', 'core', 'trace', 'index.js')).href)
  const core = async () => {
    const start = process.hrtime.bigint()
    await traceSession({id: parseTraceId(id).id, accessLogs: [file], appLogs: [], window: {since: null, until: null}, redact: {}})
    return {seconds: Number(process.hrtime.bigint() - start) / 1e9, rssMb: null}
  }
  const coreSamples = []
  await core() // warm-up: the first call compiles the parsers
  for (let i = 0; i < rounds; i++) coreSamples.push(await core())

  const rows = compare(
    `trace, ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB`,
    [
      {name: 'grep -cF ID', argv: ['grep', '-cF', id, file], okStatus: [0, 1]},
      {name: 'sessdoc trace ID (CLI, --json)', argv: sessdoc},
      {name: 'node start-up alone (node -e 0)', argv: [process.execPath, '-e', '0']},
    ],
    {rounds, units: bytes / 1e6, unitName: 'MB'},
  )
  const coreMedian = coreSamples.map((s) => s.seconds).sort((a, b) => a - b)[Math.floor(rounds / 2)]
  console.log(
    `| sessdoc trace core (in-process, no start-up) | ${coreMedian.toFixed(3)} | ${Math.round(bytes / 1e6 / coreMedian)} | ${(coreMedian / rows[0].seconds).toFixed(2)}x | – |`,
  )
} finally {
  rmSync(dir, {recursive: true, force: true})
}
