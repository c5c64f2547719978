import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {expect} from 'vitest'

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden')

/**
 * Compares `actual` with test/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead.
 * A missing golden file fails (it must be written on purpose and committed).
 */
export function expectGolden(name: string, actual: string): void {
  const path = join(goldenDir, name)
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, actual)
    return
  }
  if (!existsSync(path)) throw new Error(`no golden file ${path}: run with UPDATE_GOLDEN=1, review it, and commit it`)
  expect(actual).toBe(readFileSync(path, 'utf8'))
}

/** A golden document of one command run: the command line, its output and its exit code. */
export function goldenRun(command: string, output: string, exitCode: number | null): string {
  return `# ${command}\n\n\`\`\`\n${output.replace(/\n$/, '')}\n\`\`\`\n\nExit code: ${exitCode}\n`
}
