import {didYouMean} from '../../did-you-mean.js'

/** The columns of an access-log table that sessdoc reads, by role. */
export const FIELDS = ['time', 'session', 'route', 'client', 'agent', 'status', 'path', 'order', 'setcookie'] as const
export type Field = (typeof FIELDS)[number]
export type ColumnMap = Partial<Record<Field, string>>

/** Column names tried, in order, for a role the mapping leaves out (common schemas: nginx/Vector/Fluent Bit/Loki exports). */
export const DEFAULT_COLUMNS: Record<Field, readonly string[]> = {
  time: ['time', 'timestamp', 'ts', 'event_time', 'time_local', 'date_time'],
  session: ['session', 'session_id', 'jsessionid', 'sid', 'cookie_jsessionid'],
  route: ['route', 'worker_route', 'upstream', 'upstream_addr', 'backend', 'server', 'worker'],
  client: ['client', 'remote_addr', 'client_ip', 'ip', 'addr', 'remote_ip'],
  agent: ['user_agent', 'http_user_agent', 'ua', 'agent'],
  status: ['status', 'status_code', 'code'],
  path: ['path', 'request_uri', 'uri', 'url', 'request'],
  order: ['seq', 'sequence', 'line', 'line_number', 'offset', 'request_seq'],
  setcookie: ['set_cookie', 'response_cookie', 'set_cookie_jsessionid', 'upstream_cookie_jsessionid'],
}

const NUMERIC = /^(Nullable\()?(U?Int|Float|Decimal|DateTime)/

export class MappingError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message)
    this.name = 'MappingError'
  }
}

const example = 'time=ts,session=jsessionid,route=upstream,client=remote_addr'

/** An example column for a role, for hints. */
const EXAMPLES: Record<Field, string> = {
  time: 'ts',
  session: 'jsessionid',
  route: 'upstream',
  client: 'remote_addr',
  agent: 'user_agent',
  status: 'status',
  path: 'request_uri',
  order: 'seq',
  setcookie: 'set_cookie',
}
const exampleColumn = (role: Field): string => EXAMPLES[role]

/**
 * `time=ts,session=jsid,route=upstream` (also `agent=`, `order=`): role → column. `source` names where
 * the text came from in errors (`--map`, `accessLog.map`, the URL's `?map=`). An unknown role is
 * refused with the nearest known one; a column name may hold anything but a comma (the config file's
 * mapping form takes any name).
 */
export function parseMapping(spec: string | undefined, source = '--map'): ColumnMap {
  const map: ColumnMap = {}
  if (!spec) return map
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue
    const eq = part.indexOf('=')
    const role = (eq < 0 ? part : part.slice(0, eq)).trim()
    const column = eq < 0 ? '' : part.slice(eq + 1).trim()
    const field = checkRole(role, source)
    if (column === '')
      throw new MappingError(
        `${source}: '${part.trim()}' names no column for ${field}`,
        `write ${field}=COLUMN, e.g. ${source} ${field}=${exampleColumn(field)}`,
      )
    if (map[field] !== undefined)
      throw new MappingError(`${source}: ${field} is mapped twice ('${map[field]}' and '${column}')`, `keep one ${field}=COLUMN`)
    map[field] = column
  }
  return map
}

/** A role name, or a MappingError naming the nearest role and the roles there are. */
export function checkRole(role: string, source = '--map'): Field {
  if ((FIELDS as readonly string[]).includes(role)) return role as Field
  const near = didYouMean(role, FIELDS)
  const shown = role === '' ? 'a pair without a role' : `unknown role '${role}'`
  throw new MappingError(
    `${source}: ${shown}${near ? ` (did you mean '${near}'?)` : ''}`,
    `write role=column pairs, e.g. ${source} ${near ? `${near}=${exampleColumn(near as Field)}` : example}; the roles: ${FIELDS.join(', ')}`,
  )
}

/** The config file's `accessLog.map`: the `role=column,…` text or a mapping of role to column. */
export function mappingOf(value: string | Readonly<Record<string, unknown>> | undefined, source: string): ColumnMap {
  if (value === undefined) return {}
  if (typeof value === 'string') return parseMapping(value, source)
  const map: ColumnMap = {}
  for (const [role, column] of Object.entries(value)) {
    const field = checkRole(role, source)
    if (typeof column !== 'string' || column === '')
      throw new MappingError(`${source}.${field} must be a column name`, `e.g. ${field}: ${exampleColumn(field)}`)
    map[field] = column
  }
  return map
}

export interface ResolvedColumns {
  columns: ColumnMap
  /** The type of each mapped column (`DateTime`, `String`, `Nullable(String)`, `UInt32`, …). */
  types: Partial<Record<Field, string>>
  /** Roles whose column was chosen by name (not mapped). */
  guessed: Field[]
}

/** The mapping over the table's columns: a mapped column must exist; a role left out takes the first default that does. */
export function resolveColumns(map: ColumnMap, tableColumns: ReadonlyMap<string, string>, table: string): ResolvedColumns {
  const columns: ColumnMap = {}
  const types: ResolvedColumns['types'] = {}
  const guessed: Field[] = []
  for (const field of FIELDS) {
    const given = map[field]
    if (given !== undefined) {
      if (!tableColumns.has(given)) {
        const names = [...tableColumns.keys()]
        const near = didYouMean(given, names)
        throw new MappingError(
          `--map: ${table} has no column '${given}' (for ${field})${near ? `: did you mean '${near}'?` : ''}`,
          near ? `write --map ${field}=${near}` : `map ${field} to one of its columns: ${names.slice(0, 40).join(', ')}`,
        )
      }
      columns[field] = given
    } else {
      // A role left out takes a common name only with a type it can read: a text `line` (the raw log line) is no order.
      const found = DEFAULT_COLUMNS[field].find(
        (name) => tableColumns.has(name) && (field !== 'order' || NUMERIC.test(tableColumns.get(name)!)),
      )
      if (found === undefined) continue
      columns[field] = found
      guessed.push(field)
    }
    types[field] = tableColumns.get(columns[field]!)!
  }
  if (columns.time === undefined)
    throw new MappingError(
      `--map: ${table} has no time column`,
      `name it with --map time=COLUMN (none of ${DEFAULT_COLUMNS.time.join(', ')} is there)`,
    )
  if (columns.session === undefined && columns.path === undefined)
    throw new MappingError(
      `--map: ${table} has no session-id column`,
      `name it with --map session=COLUMN (the JSESSIONID cookie value; tried ${DEFAULT_COLUMNS.session.join(', ')})`,
    )
  return {columns, types, guessed}
}
