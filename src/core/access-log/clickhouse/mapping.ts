/** The columns of an access-log table that sessdoc reads, by role. */
export const FIELDS = ['time', 'session', 'route', 'client', 'agent', 'status', 'path', 'order'] as const
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
  order: [],
}

export class MappingError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message)
    this.name = 'MappingError'
  }
}

/** `time=ts,session=jsid,route=upstream` (also `agent=`, `order=`): role → column. */
export function parseMapping(spec: string | undefined): ColumnMap {
  const map: ColumnMap = {}
  if (!spec) return map
  for (const part of spec.split(',')) {
    if (part.trim() === '') continue
    const eq = part.indexOf('=')
    const role = (eq < 0 ? part : part.slice(0, eq)).trim()
    const column = eq < 0 ? '' : part.slice(eq + 1).trim()
    if (!(FIELDS as readonly string[]).includes(role) || column === '') {
      throw new MappingError(
        `--map: cannot read '${part.trim()}'`,
        `give role=column pairs, roles ${FIELDS.join(', ')}: e.g. --map time=ts,session=jsessionid,route=upstream`,
      )
    }
    map[role as Field] = column
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
        throw new MappingError(
          `--map: ${table} has no column '${given}' (for ${field})`,
          `its columns: ${[...tableColumns.keys()].slice(0, 40).join(', ')}`,
        )
      }
      columns[field] = given
    } else {
      const found = DEFAULT_COLUMNS[field].find((name) => tableColumns.has(name))
      if (found === undefined) continue
      columns[field] = found
      guessed.push(field)
    }
    types[field] = tableColumns.get(columns[field]!)!
  }
  if (columns.time === undefined)
    throw new MappingError(`${table}: no time column`, `name it with --map time=COLUMN (tried ${DEFAULT_COLUMNS.time.join(', ')})`)
  if (columns.session === undefined && columns.path === undefined)
    throw new MappingError(
      `${table}: no session-id column`,
      `name it with --map session=COLUMN (the JSESSIONID cookie value; tried ${DEFAULT_COLUMNS.session.join(', ')})`,
    )
  return {columns, types, guessed}
}
