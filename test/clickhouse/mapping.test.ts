/** `--map` / `accessLog.map`: role=column pairs, and errors that name the role and what to write. */
import {describe, expect, it} from 'vitest'
import {MappingError, mappingOf, parseMapping, resolveColumns} from '../../src/core/access-log/clickhouse/mapping.js'

const fails = (f: () => unknown): MappingError => {
  try {
    f()
  } catch (error) {
    if (error instanceof MappingError) return error
    throw error
  }
  throw new Error('no MappingError')
}

describe('the column map', () => {
  it.each([
    ['time=ts,session=jsessionid, route = upstream', {time: 'ts', session: 'jsessionid', route: 'upstream'}],
    ['path=a=b,', {path: 'a=b'}],
    ['', {}],
  ])('parseMapping(%j)', (spec, map) => expect(parseMapping(spec)).toEqual(map))

  it.each([
    ['sesion=jsid', "--map: unknown role 'sesion' (did you mean 'session'?)", '--map session=jsessionid'],
    ['host=h', "--map: unknown role 'host'", 'the roles: time, session, route, client, agent, status, path, order'],
    ['route=', "--map: 'route=' names no column for route", 'write route=COLUMN, e.g. --map route=upstream'],
    ['time', "--map: 'time' names no column for time", '--map time=ts'],
    ['time=a,time=b', "--map: time is mapped twice ('a' and 'b')", 'keep one time=COLUMN'],
  ])('refuses %j', (spec, message, hint) => {
    const error = fails(() => parseMapping(spec))
    expect(error.message).toBe(message)
    expect(error.hint).toContain(hint)
  })

  it('takes the config file mapping form, and names the setting in errors', () => {
    expect(mappingOf({time: 'ts', client: 'remote,addr'}, 'accessLog.map')).toEqual({time: 'ts', client: 'remote,addr'})
    expect(fails(() => mappingOf({tme: 'ts'}, 'accessLog.map')).message).toBe("accessLog.map: unknown role 'tme' (did you mean 'time'?)")
    expect(fails(() => mappingOf({time: 3} as never, 'accessLog.map')).message).toBe('accessLog.map.time must be a column name')
  })

  it('a column the table lacks names the nearest one', () => {
    const columns = new Map([
      ['ts', 'DateTime'],
      ['jsessionid', 'String'],
    ])
    const error = fails(() => resolveColumns({time: 'tss'}, columns, 'logs.access'))
    expect(error.message).toBe("--map: logs.access has no column 'tss' (for time): did you mean 'ts'?")
    expect(error.hint).toBe('write --map time=ts')
    expect(resolveColumns({}, columns, 'logs.access').columns).toEqual({time: 'ts', session: 'jsessionid'})
  })
})
