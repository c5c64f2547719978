import {describe, expect, it} from 'vitest'
import {downsample, sparkline} from '../../src/render/chart.js'
import {renderJson} from '../../src/render/json.js'
import {renderMarkdown} from '../../src/render/markdown.js'
import {renderText} from '../../src/render/text.js'
import {expectGolden} from '../helpers/golden.js'
import {expectValidReport} from '../helpers/schema.js'
import {sampleReport} from './sample-report.js'

const rawId = '5A1B2C3D4E5F60718293A4B5C6D7E8F9'

describe('renderers', () => {
  const report = sampleReport()

  it('text: verdict first, findings worst first, then sources (golden)', () => {
    const text = renderText(report, {color: false})
    expect(text.split('\n')[0]).toBe('CRITICAL  1 critical, 2 warning, 1 info')
    expect(text.indexOf('Redis is unreachable')).toBeLessThan(text.indexOf('Sessions moved between backends'))
    expectGolden('render/sample.txt', text)
  })

  it('markdown: verdict heading, findings table, sections (golden)', () => {
    const md = renderMarkdown(report)
    expect(md.startsWith('# sessdoc: CRITICAL\n')).toBe(true)
    expectGolden('render/sample.md', md)
    expectGolden('render/sample.json', renderJson(report))
  })

  it('json: the contract shape, valid against the schema', () => {
    const parsed = JSON.parse(renderJson(report)) as typeof report
    expectValidReport(parsed)
    expect(parsed.findings.map((f) => f.id)).toEqual([
      'redis.unreachable',
      'access.route-flip',
      'access.session-churn',
      'correlation.strategy-fit',
    ])
  })

  it.each([
    ['text', () => renderText(report, {color: true})],
    ['markdown', () => renderMarkdown(report)],
    ['json', () => renderJson(report)],
  ])('%s: no session id, no password, no terminal escape from the input', (_name, output) => {
    const out = output()
    expect(out).not.toContain(rawId)
    expect(out).not.toContain('hunter2')
    expect(out).not.toContain('\u001b]0;')
    expect(out).not.toContain('\u0007')
  })

  it('shows ids as they are with showSessionIds, passwords still masked', () => {
    const out = renderText(report, {showSessionIds: true})
    expect(out).toContain(rawId)
    expect(out).not.toContain('hunter2')
  })

  it('markdown escapes what it embeds', () => {
    const md = renderMarkdown(report)
    expect(md).not.toContain('<b>')
    expect(md).toContain('\\<b\\>html\\</b\\>')
    expect(md).toContain('\\| pipes \\|')
  })

  it('text colours only when asked', () => {
    expect(renderText(report, {color: false})).not.toMatch(/\u001b\[/)
    expect(renderText(report, {color: true})).toMatch(/\u001b\[31m/)
  })
})

describe('sparkline', () => {
  it('scales to the largest value and leaves quiet slots blank', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe(' ▁▂▄█')
    expect(sparkline([0, 0])).toBe('▁▁')
  })
  it('downsamples by summing', () => {
    expect(downsample([1, 1, 1, 1, 2, 2], 3)).toEqual([2, 2, 4])
  })
})
