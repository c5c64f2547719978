// npm's prepare: builds dist/ and oclif.manifest.json, so that `npm install -g .` (or `npm link`)
// from a fresh clone gives a working sessdoc; npm ci and npm pack run it too.
// `npm install -g .` runs it in the checkout before anything is installed there: the build's own
// tools (TypeScript, @oclif/core for the manifest) are installed first, without running scripts.
import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'

const tsc = 'node_modules/typescript/bin/tsc'
// The inner npm must install here, not where the outer `npm install -g` installs.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_config_(global|prefix|location|include|omit|production)$/i.test(k)),
)
const run = (command, args) => execFileSync(command, args, {stdio: 'inherit', env})
if (!existsSync(tsc) || !existsSync('node_modules/@oclif/core')) {
  console.log('prepare: installing the build tools (npm install --include=dev --ignore-scripts)')
  run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['install', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'])
}
run(process.execPath, [tsc, '-p', 'tsconfig.build.json'])
run(process.execPath, ['scripts/write-manifest.js'])
