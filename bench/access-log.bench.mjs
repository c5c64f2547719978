// npm run bench -- access-log: sessdoc access-log against grep -c and an awk flip counter on the
// same deterministic ~1M-line combined + "%{JSESSIONID}C" log with planted flips.
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {compare, measure, writeAccessLogBenchData} from './lib.mjs'

// SESSDOC_ROOT: a checkout whose dist/ to time (default: this one).
const root = process.env.SESSDOC_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..')
const lines = Number(process.env.ACCESS_LOG_BENCH_LINES ?? 1_000_000)
const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
const dir = mkdtempSync(join(tmpdir(), 'sessdoc-bench-access-'))
const file = join(dir, 'access.log')

try {
  const {truth, bytes} = writeAccessLogBenchData(file, lines)
  console.log(
    `generated ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB, planted: ${truth.routeFlips} flips in ${truth.sessionsWithFlips} of ${truth.sessions} sessions`,
  )

  const awk = existsSync('/usr/bin/mawk') ? 'mawk' : 'awk'
  // The hand-made alternative: the last quoted field is the cookie; a flip is a new suffix for a known base.
  const awkFlips = `${awk} -F'"' '{c=$(NF-1); i=index(c,"."); if (i) {b=substr(c,1,i-1); r=substr(c,i+1); if ((b in last) && last[b]!=r) f++; last[b]=r}} END {print f+0}' ${file}`
  const sessdoc = [process.execPath, join(root, 'bin', 'run.js'), 'access-log', file, '--json', '--fail-on', 'never']

  // Correctness first: the numbers must agree with the planted truth.
  const run = measure(sessdoc)
  const section = JSON.parse(run.stdout).sources.accessLog
  const awkCount = Number(measure(awkFlips).stdout.trim())
  console.log(
    `sessdoc: ${section.routeFlips} flips in ${section.sessionsWithFlips} sessions of ${section.sessions} (format ${section.detectedFormat}); ${awk}: ${awkCount} flips; truth: ${truth.routeFlips}`,
  )
  if (section.routeFlips !== truth.routeFlips || section.sessions !== truth.sessions) {
    console.error('sessdoc disagrees with the planted truth')
    process.exitCode = 1
  }

  compare(
    `access-log, ${lines.toLocaleString('en-US')} lines, ${(bytes / 1e6).toFixed(0)} MB`,
    [
      {name: 'sessdoc access-log (threads: idle cores)', argv: sessdoc},
      {name: 'sessdoc access-log --threads 2', argv: [...sessdoc, '--threads', '2']},
      {name: 'sessdoc access-log --threads 1', argv: [...sessdoc, '--threads', '1']},
      {name: `${awk} flip counter`, argv: awkFlips},
      {name: 'grep -c', argv: ['grep', '-cF', '.node', file], okStatus: [0, 1]},
    ],
    {rounds, units: lines, unitName: 'lines'},
  )
} finally {
  rmSync(dir, {recursive: true, force: true})
}
