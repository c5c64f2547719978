/**
 * SQL text for ClickHouse 18.16 and later, which has no query parameters: every name is quoted and
 * every value escaped here, and nothing else is put into a query.
 */

/** A name in backquotes, with backquotes and backslashes escaped (any byte may be in a ClickHouse name). */
export function ident(name: string): string {
  return `\`${escapeText(name, '`')}\``
}

/** `db`.`table`. */
export function tableName(database: string, table: string): string {
  return `${ident(database)}.${ident(table)}`
}

/** A string literal: quotes, backslashes and control characters escaped. */
export function literal(value: string): string {
  return `'${escapeText(value, "'")}'`
}

/** An unsigned integer literal; anything else is refused (never interpolated). */
export function uint(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an unsigned integer: ${value}`)
  return String(value)
}

function escapeText(value: string, quote: string): string {
  let out = ''
  for (const ch of value) {
    const c = ch.codePointAt(0)!
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (c === 0) out += '\\0'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out
}
