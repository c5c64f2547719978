import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {showsActivity} from '../../src/lib/base-command.js'
import {activity, formatActivity, progressAllowed, progressBar} from '../../src/lib/progress-bar.js'
import {binPath} from '../helpers/run-cli.js'

function fakeStream(isTTY: boolean): NodeJS.WriteStream & {text: string} {
  const stream = {
    isTTY,
    text: '',
    write(chunk: string): boolean {
      stream.text += chunk
      return true
    },
  }
  return stream as unknown as NodeJS.WriteStream & {text: string}
}

describe('progress on a terminal, every command (#19)', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it.each([
    ['stderr and stdout terminals', true, true, false, true],
    ['stderr a terminal, the report to a file (-o)', true, false, true, true],
    ['the report piped', true, false, false, false],
    ['stderr not a terminal', false, true, false, false],
  ])('%s: %s', (_name, stderrTTY, stdoutIsTTY, toFile, allowed) => {
    expect(progressAllowed({isTTY: stderrTTY}, {stdoutIsTTY, toFile})).toBe(allowed)
  })

  it('says the command is working after a second, with the elapsed time, and erases itself', () => {
    vi.useFakeTimers()
    const stream = fakeStream(true)
    const line = activity(stream, 'sessdoc diagnose', {toFile: true})
    vi.advanceTimersByTime(750)
    expect(stream.text).toBe('')
    vi.advanceTimersByTime(2500)
    expect(stream.text).toContain('sessdoc diagnose: working… 3 s')
    line.stop()
    expect(stream.text.endsWith('\r\u001B[K')).toBe(true)
    const before = stream.text
    vi.advanceTimersByTime(2000)
    expect(stream.text).toBe(before)
  })

  it('draws nothing when not allowed', () => {
    vi.useFakeTimers()
    const stream = fakeStream(false)
    activity(stream, 'x').stop()
    vi.advanceTimersByTime(5000)
    expect(stream.text).toBe('')
    expect(progressBar(stream, 'scanning')).toBeUndefined()
  })

  it('formats a spinner, the label and the seconds', () => {
    expect(formatActivity('sessdoc access-log', 8400, 0)).toBe(
      '⠋ sessdoc access-log: working… 8 s (Ctrl-C stops and reports what was read)',
    )
  })

  it.each([
    ['diagnose', ['--access-log', 'x'], true],
    ['diagnose', ['--json'], false],
    ['redis:stats', ['--format', 'json'], false],
    ['redis:scan', ['--format=json'], false],
    ['access-log', ['x', '--format', 'markdown'], true],
    ['watch', ['--access-log', 'x'], false],
    ['drain-status', ['--wait'], false],
  ])('%s %j: activity line %s', (id, argv, shown) => {
    expect(showsActivity(id, argv)).toBe(shown)
  })
})

describe('on a real terminal (a pty from script(1))', () => {
  const hasScript = existsSync('/usr/bin/script')
  it.skipIf(!hasScript)(
    'a command waiting on its input says it is working, on stderr',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sessdoc-pty-'))
      const fifo = join(dir, 'access.fifo')
      execFileSync('mkfifo', [fifo])
      const child = spawn('script', ['-qec', `${process.execPath} ${binPath} access-log ${fifo}`, '/dev/null'], {
        env: {...process.env, NO_COLOR: '1', COLUMNS: '100'},
      })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
      })
      await new Promise((resolve) => setTimeout(resolve, 2500))
      child.kill('SIGKILL')
      rmSync(dir, {recursive: true, force: true})
      expect(out).toMatch(/sessdoc access-log: working… [12] s/)
    },
    20_000,
  )
})
