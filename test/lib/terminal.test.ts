import {describe, expect, it} from 'vitest'
import {terminalWidth, useColor} from '../../src/lib/terminal.js'

describe('colour by chalk’s rules', () => {
  it.each([
    ['a terminal', {isTTY: true, env: {}, detected: true}, true],
    ['a terminal that chalk finds without colour', {isTTY: true, env: {}, detected: false}, false],
    ['piped', {isTTY: false, env: {}, detected: true}, false],
    ['NO_COLOR', {isTTY: true, env: {NO_COLOR: '1'}, detected: true}, false],
    ['NO_COLOR empty counts as unset', {isTTY: true, env: {NO_COLOR: ''}, detected: true}, true],
    ['TERM=dumb', {isTTY: true, env: {TERM: 'dumb'}, detected: true}, false],
    ['FORCE_COLOR=1 when piped', {isTTY: false, env: {FORCE_COLOR: '1'}}, true],
    ['FORCE_COLOR empty when piped', {isTTY: false, env: {FORCE_COLOR: ''}}, true],
    ['FORCE_COLOR=0 on a terminal', {isTTY: true, env: {FORCE_COLOR: '0'}, detected: true}, false],
    ['FORCE_COLOR=false', {isTTY: true, env: {FORCE_COLOR: 'false'}, detected: true}, false],
    ['FORCE_COLOR over TERM=dumb', {isTTY: true, env: {FORCE_COLOR: '1', TERM: 'dumb'}}, true],
    ['--color forces it when piped', {isTTY: false, env: {NO_COLOR: '1'}, colorFlag: true}, true],
    ['--no-color wins over FORCE_COLOR', {isTTY: true, env: {FORCE_COLOR: '3'}, colorFlag: false, detected: true}, false],
  ])('%s', (_name, state, expected) => {
    expect(useColor(state)).toBe(expected)
  })
})

describe('the width of the text report', () => {
  it.each([
    ['a terminal: its columns', {isTTY: true, columns: 132, env: {COLUMNS: '90'}}, 132],
    ['piped: COLUMNS', {isTTY: false, columns: undefined, env: {COLUMNS: '120'}}, 120],
    ['piped without COLUMNS: 80', {isTTY: false, env: {}}, 80],
    ['a COLUMNS that is no number: 80', {isTTY: false, env: {COLUMNS: 'wide'}}, 80],
    ['a terminal that reports no columns: COLUMNS', {isTTY: true, columns: 0, env: {COLUMNS: '100'}}, 100],
  ])('%s', (_name, state, expected) => {
    expect(terminalWidth(state)).toBe(expected)
  })
})
