import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'
import {blocksToText, fitChart, textTable} from '../../src/render/blocks.js'
import {renderText} from '../../src/render/text.js'
import {displayWidth, truncateLine, wrapText} from '../../src/render/wrap.js'
import {sampleReport} from './sample-report.js'

const plain = new Chalk({level: 0})
const colour = new Chalk({level: 1})
const widest = (text: string): number => Math.max(...text.split('\n').map(displayWidth))

describe('display width', () => {
  it.each([
    ['plain', 'abc', 3],
    ['box drawing and sparkline blocks count one', '┌─┐│▁█', 6],
    ['ANSI colours count nothing', colour.red.bold('abc'), 3],
    ['wide CJK characters count two', '会话', 4],
    ['combining marks count nothing', 'e\u0301', 1],
    ['several lines: the widest', 'ab\nabcd', 4],
  ])('%s', (_name, text, width) => {
    expect(displayWidth(text)).toBe(width)
  })
})

describe('wrapText', () => {
  it('wraps at spaces, keeps the indent and hangs the rest', () => {
    expect(wrapText('one two three four five', 12, {indent: '  - ', hanging: '    '})).toEqual([
      '  - one two',
      '    three',
      '    four',
      '    five',
    ])
  })
  it('keeps runs of spaces inside a line and each of its own lines', () => {
    expect(wrapText('CRITICAL  5 critical\nsecond', 80)).toEqual(['CRITICAL  5 critical', ' '.repeat(0) + 'second'])
  })
  it('breaks a word wider than the line', () => {
    const lines = wrapText('x '.concat('a'.repeat(25)), 10, {indent: '  '})
    expect(lines.every((l) => displayWidth(l) <= 10)).toBe(true)
    expect(lines.join('').replace(/ /g, '')).toBe(`x${'a'.repeat(25)}`)
  })
  it('breaks a path after a / and a class name after a dot, not mid-word', () => {
    expect(wrapText('fixtures/tomcat-log/juli-oneline.log', 24)).toEqual(['fixtures/tomcat-log/', 'juli-oneline.log'])
    expect(wrapText('archive [/opt/tomcat/webapps/shop.war]', 24)).toEqual(['archive', '[/opt/tomcat/webapps/', 'shop.war]'])
    expect(wrapText('org.apache.catalina.session.StandardManager', 20)).toEqual(['org.apache.catalina.', 'session.', 'StandardManager'])
    // A / rather than the file's dot; a dot when there is no / in reach.
    expect(wrapText('conf/tomcat/context.xml:6', 22)).toEqual(['conf/tomcat/', 'context.xml:6'])
    expect(wrapText('com.example.shop.cart.CartItem', 26)).toEqual(['com.example.shop.cart.', 'CartItem'])
  })
  it('breaks mid-word only where no separator helps: none in reach, or the name after it wider than a line', () => {
    expect(wrapText('abcdefghijklmnop', 8)).toEqual(['abcdefgh', 'ijklmnop'])
    expect(wrapText('/averyveryverylongname/x', 10)).toEqual(['/averyvery', 'verylongna', 'me/x'])
    const coloured = wrapText(colour.bold('abc/defghijkl/mnop'), 8)
    expect(coloured.map((l) => displayWidth(l))).toEqual([8, 6, 4])
    expect(coloured.join('')).toBe(colour.bold('abc/defghijkl/mnop'))
  })
  it('counts colour codes as nothing', () => {
    const lines = wrapText(`${colour.bold('bold words')} and more words here`, 16)
    expect(lines.map((l) => displayWidth(l))).toEqual([14, 15])
  })
  it('only adds the prefixes at an infinite width', () => {
    expect(wrapText('a b', Number.POSITIVE_INFINITY, {indent: '> '})).toEqual(['> a b'])
  })
  it('truncates excerpt lines with an ellipsis', () => {
    expect(truncateLine('abcdefgh', 5)).toBe('abcd…')
    expect(truncateLine('abc', 5)).toBe('abc')
  })
})

describe('tables within the width', () => {
  const head = ['Figure', 'Value']
  const rows = [
    ['Period', '2026-11-28 10:00:25Z – 2026-11-28 10:59:55Z'],
    ['Lines', '2,810'],
  ]
  it('are left as they are when they fit', () => {
    expect(textTable(head, rows, plain, 200)).toBe(textTable(head, rows, plain))
  })
  it('shrink the widest column first and wrap its cells', () => {
    const table = textTable(head, rows, plain, 40)
    expect(widest(table)).toBeLessThanOrEqual(40)
    expect(table).toContain('│ Period │')
    expect(table).toMatch(/2026-11-28 10:00:25Z/)
  })
  it('fold into key: value lines when even narrow columns do not fit', () => {
    const wide = ['#', 'Count', 'Category', 'Error', 'First', 'Last', 'Id']
    const row = [
      '1',
      '12',
      'serialization',
      'com.example.shop.cart.CartItem (NotSerializableException)',
      '2026-11-28 10:20:30Z',
      '2026-11-28 10:24:12Z',
      'ddac4a0f2e',
    ]
    const table = textTable(wide, [row, row], plain, 60)
    expect(table).not.toContain('┌')
    expect(table.split('\n').slice(0, 3)).toEqual(['  #: 1', '  Count: 12', '  Category: serialization'])
    expect(widest(table)).toBeLessThanOrEqual(60)
  })
  it('wrap a path cell at its slashes', () => {
    const table = textTable(['Time', 'File'], [['10:00', 'fixtures/tomcat-log/juli-oneline.log']], plain, 40)
    expect(widest(table)).toBeLessThanOrEqual(40)
    expect(table).toMatch(/│ fixtures\/tomcat-log\/ +│\n│ +│ juli-oneline\.log +│/)
  })
  it('keep a coloured head within the width', () => {
    expect(widest(textTable(head, rows, colour, 30))).toBeLessThanOrEqual(30)
  })
})

describe('charts within the width', () => {
  it('sum neighbours when the series is longer than the width, and say so in the label', () => {
    const values = Array.from({length: 120}, (_, i) => i % 7)
    expect(fitChart(values, 50)).toMatchObject({perMark: 3})
    expect(fitChart(values, 50).line).toHaveLength(40)
    const lines = blocksToText([{kind: 'chart', label: 'Flips per 1 min', values}], plain, 50)
    expect(lines[0]).toBe('Flips per 1 min (3 per mark)')
    expect(lines.every((l) => displayWidth(l) <= 50)).toBe(true)
  })
})

describe('the text report at a width', () => {
  it.each([60, 80, 120])('has no line wider than %i columns', (width) => {
    const text = renderText(sampleReport(), {color: true, width})
    for (const line of text.split('\n')) expect(displayWidth(line), line).toBeLessThanOrEqual(width)
  })
})
