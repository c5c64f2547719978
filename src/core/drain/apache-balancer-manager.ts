import type {BalancerMember, MemberState} from './types.js'

/** The page is small; a larger answer is not a balancer-manager page. */
export const MAX_PAGE_BYTES = 8 * 1024 * 1024

/** Is this text Apache mod_proxy_balancer's balancer-manager page? */
export function isBalancerManagerPage(html: string): boolean {
  return /LoadBalancer Status for/i.test(html) || /<title>\s*Balancer Manager/i.test(html)
}

/**
 * The members of every balancer on a balancer-manager page: each `LoadBalancer Status for
 * balancer://NAME` heading, then its worker table (Worker URL, Route, …, Status). Columns are found
 * by their header, so httpd versions that add columns read the same.
 */
export function parseBalancerManager(html: string, source: string): BalancerMember[] {
  const members: BalancerMember[] = []
  const headings = [...html.matchAll(/LoadBalancer Status for\s*(?:<a\b[^>]*>)?\s*([^<\s]+)/gi)]
  headings.forEach((heading, i) => {
    const end = headings[i + 1]?.index ?? html.length
    const part = html.slice(heading.index, end)
    const balancer = decodeEntities(heading[1]!)
    for (const table of part.split(/<table\b/i).slice(1)) {
      const rows = tableRows(table)
      const head = rows[0]?.map((c) => c.toLowerCase()) ?? []
      const routeAt = head.indexOf('route')
      const statusAt = head.indexOf('status')
      const urlAt = head.indexOf('worker url')
      if (routeAt < 0 || statusAt < 0 || urlAt < 0) continue
      for (const row of rows.slice(1)) {
        const status = (row[statusAt] ?? '').trim()
        const route = (row[routeAt] ?? '').trim() || (row[urlAt] ?? '').trim()
        if (route === '') continue
        members.push({route, status, source: `${source} ${balancer}`, state: apacheState(status)})
      }
    }
  })
  return members
}

/**
 * mod_proxy_balancer's status flags: `Drn` drain mode (N: only its own sticky sessions), `Dis`
 * disabled (D), `Stop` stopped (S), `Err` / `HcFl` in error or failing its health check.
 */
export function apacheState(status: string): MemberState {
  const flags = new Set(status.split(/\s+/).map((f) => f.toLowerCase()))
  if (flags.has('dis') || flags.has('stop')) return 'disabled'
  if (flags.has('drn')) return 'draining'
  if (flags.has('err') || flags.has('hcfl')) return 'down'
  return 'active'
}

/** The cells of each row of one table (the text up to its `</table>`), tags removed. */
function tableRows(table: string): string[][] {
  const body = table.split(/<\/table>/i)[0] ?? ''
  return body
    .split(/<tr\b[^>]*>/i)
    .slice(1)
    .map((row) => [...row.matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/gi)].map((m) => decodeEntities(m[1]!.replace(/<[^>]*>/g, ''))))
    .filter((cells) => cells.length > 0)
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim()
}
