import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const root = new URL('../../', import.meta.url)

describe('the package (#19)', () => {
  it('builds on install (prepare), so that npm install -g . from a fresh clone works', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {scripts: Record<string, string>}
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.js')
  })

  it('npm pack holds dist/, the manifest, bin and the schema, and no sources or tests', async () => {
    // --ignore-scripts: the build of npm test made dist/; prepare would rebuild it under the other tests' feet.
    const {stdout} = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    })
    const [pack] = JSON.parse(stdout) as Array<{files: Array<{path: string}>}>
    const files = pack!.files.map((f) => f.path)
    expect(files).toEqual(
      expect.arrayContaining(['bin/run.js', 'oclif.manifest.json', 'dist/commands/diagnose.js', 'dist/hooks/command-not-found.js']),
    )
    expect(files.filter((f) => f.startsWith('dist/')).length).toBeGreaterThan(50)
    expect(files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false)
  }, 60_000)
})
