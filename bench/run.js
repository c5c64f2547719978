// npm run bench: runs every bench/*.bench.mjs in turn (or those named: npm run bench -- access-log).

import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort()
let failed = 0
for (const file of benches) {
  console.log(`\n# ${file}`)
  const result = spawnSync(process.execPath, [join(here, file)], {stdio: 'inherit'})
  if (result.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
