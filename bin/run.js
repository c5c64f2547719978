#!/usr/bin/env node
// Before oclif starts: it logs process.argv (a --redis URL may hold a password) under DEBUG. Without DEBUG
// nothing is logged, and the redaction is not loaded at all (it is start-up every command would pay).
if (process.env.DEBUG) {
  const {installDebugRedaction} = await import('../dist/lib/debug-redaction.js')
  installDebugRedaction()
}
const {helpFlagUsedAsHost} = await import('../dist/lib/redis-cli-habits.js')
const misuse = helpFlagUsedAsHost(process.argv.slice(2))
if (misuse) {
  const json = process.argv.includes('--json')
  const hint = 'give the host with --host HOST (or --redis redis://HOST:PORT); -p, -n and -a work as in redis-cli'
  if (json) process.stdout.write(`${JSON.stringify({error: {message: misuse, hint, exitCode: 3}}, null, 2)}\n`)
  else process.stderr.write(`Error: ${misuse}\nHint: ${hint}\n`)
  process.exit(3)
}
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
