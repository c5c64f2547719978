/**
 * nginx logs written as `name=$var` pairs (`time=$time_iso8601 client=$remote_addr request="$request" … sid=$cookie_JSESSIONID
 * upstream=$upstream_addr`) have no fixed layout to detect: the log_format is read back from a line, each value's
 * variable taken from its shape (a time, an address, a request, a status) or its name (sid, ua, upstream).
 */
const PAIR = /([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)/g

function variableFor(key: string, raw: string, cookieName: string): string {
  const quoted = raw.startsWith('"')
  const value = quoted ? raw.slice(1, -1) : raw
  const name = key.toLowerCase()
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(value)) return '$time_iso8601'
  if (/^\d{9,10}\.\d{3}$/.test(value)) return '$msec'
  if (/^[A-Z]+ \S+ HTTP\/[\d.]+$/.test(value)) return '$request'
  if (/sid|session|jsession/.test(name) || name === `cookie_${cookieName.toLowerCase()}`) return `$cookie_${cookieName}`
  if (/upstream|backend|server/.test(name)) return '$upstream_addr'
  if (/agent|^ua$/.test(name)) return '$http_user_agent'
  if (/refer/.test(name)) return '$http_referer'
  if (name === 'cookie' || name === 'cookies') return '$http_cookie'
  if (/^status$|^code$/.test(name) && /^\d{3}$/.test(value)) return '$status'
  if (/^(\d{1,3}\.){3}\d{1,3}$|^[\da-f:]+:[\da-f:]*$/i.test(value) && /client|remote|addr|ip/.test(name)) return '$remote_addr'
  return `$sessdoc_unused_${name.replace(/\W/g, '_')}`
}

/** The nginx log_format of a `name=value` line, or null when the line is not such a line (at least 4 pairs, a time, a request). */
export function inferKeyValueFormat(line: string, cookieName: string): string | null {
  const parts: string[] = []
  let at = 0
  for (const match of line.matchAll(PAIR)) {
    if (line.slice(at, match.index).trim() !== '') return null
    const key = match[1]!
    const raw = match[2]!
    const variable = variableFor(key, raw, cookieName)
    parts.push(raw.startsWith('"') ? `${key}="${variable}"` : `${key}=${variable}`)
    at = match.index + match[0].length
  }
  if (line.slice(at).trim() !== '' || parts.length < 4) return null
  const format = parts.join(' ')
  return /\$time_|\$msec/.test(format) && format.includes('$request') ? format : null
}
