import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

// The house rules of docs/ARCHITECTURE.md, checked on the source tree so that they stay true.
const root = fileURLToPath(new URL('..', import.meta.url))
const src = join(root, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : []
  })
}

const files = sourceFiles(src).map((path) => ({path: relative(root, path), text: readFileSync(path, 'utf8')}))
const importsOf = (text: string): string[] => [...text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)'/gms)].map((m) => m[1]!)

describe('architecture', () => {
  it('renderers import only the report model from core', () => {
    const reaching = files
      .filter((f) => f.path.startsWith('src/render/'))
      .flatMap((f) =>
        importsOf(f.text)
          .filter((spec) => spec.includes('/core/') && !spec.includes('/core/report/'))
          .map((spec) => `${f.path}: ${spec}`),
      )
    expect(reaching).toEqual([])
  })

  it('core never imports commands, lib or render', () => {
    const upward = files
      .filter((f) => f.path.startsWith('src/core/'))
      .flatMap((f) =>
        importsOf(f.text)
          .filter((spec) => /\/(commands|lib|render)\//.test(spec))
          .map((spec) => `${f.path}: ${spec}`),
      )
    expect(upward).toEqual([])
  })

  it('no double cast and no untyped section in src', () => {
    expect(files.filter((f) => f.text.includes('as unknown as')).map((f) => f.path)).toEqual([])
    expect(files.filter((f) => /Section\b[^\n]*=\s*SectionStatus\s*&\s*Record<string, unknown>/.test(f.text)).map((f) => f.path)).toEqual(
      [],
    )
  })

  it('command files stay thin (60 lines) and no source file passes 500 lines', () => {
    const lines = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
    const fatCommands = files.filter((f) => f.path.startsWith('src/commands/') && lines(f.text) > 60).map((f) => f.path)
    const long = files.filter((f) => lines(f.text) > 500).map((f) => `${f.path}: ${lines(f.text)}`)
    expect({fatCommands, long}).toEqual({fatCommands: [], long: []})
  })
})
