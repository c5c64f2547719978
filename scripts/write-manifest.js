// Writes oclif.manifest.json after the build, so that a run loads only the command it runs
// (without it oclif imports every command, and with them ioredis, yaml, …: about half a second).
// Generated, never committed: a stale manifest would hide new commands.
import {rmSync, writeFileSync} from 'node:fs'
import {Config} from '@oclif/core'

rmSync('oclif.manifest.json', {force: true})
const config = await Config.load({root: process.cwd()})
const root = config.getPluginsList().find((p) => p.isRoot)
if (!root?.manifest?.commands || Object.keys(root.manifest.commands).length === 0) {
  console.error('write-manifest: no commands found in dist/commands; did the build run?')
  process.exit(1)
}
writeFileSync('oclif.manifest.json', JSON.stringify(root.manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(root.manifest.commands).length} commands`)
