// Shared by the benchmarks: time commands alternately in one run (the machine is shared and
// noisy, so ratios of interleaved runs say more than absolute times), with peak RSS from
// /usr/bin/time -f %M.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'

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
