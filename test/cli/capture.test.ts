import {captureOutput} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import Diagnose from '../../src/commands/diagnose.js'

describe('commands run in-process', () => {
  it('print their report under captureOutput (no wait for a write callback)', async () => {
    const root = new URL('../../', import.meta.url).pathname
    const {stdout, error} = await captureOutput(() =>
      Diagnose.run(['--access-log', 'fixtures/demo/access.log', '--json', '--fail-on', 'never'], root),
    )
    expect(error).toBeUndefined()
    const report = JSON.parse(stdout) as {sources: {accessLog: {routeFlips: number}}}
    expect(report.sources.accessLog.routeFlips).toBeGreaterThan(0)
  }, 30_000)
})
