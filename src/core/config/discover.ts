/**
 * Where the configuration lies inside a directory given instead of a file: real hosts keep it in
 * trees (`/etc/apache2` with its *-enabled folders, `/etc/httpd/conf.d`, a copy with `httpd/`,
 * `nginx/` and one `nodeN/conf/` per Tomcat). The walk is bounded in depth and size and never
 * enters a directory twice (symlink loops).
 */
import {readdir, realpath, stat} from 'node:fs/promises'
import {basename, dirname, join, relative, sep} from 'node:path'
import type {InputError} from '../report/types.js'
import {displayPath} from './files.js'

const maxDepth = 6
const maxEntries = 5000

/** Folders that hold no configuration of a running server (or hold what is not enabled). */
const skippedFolders = new Set(['.git', 'node_modules', 'logs', 'work', 'temp', 'lib', 'bin', 'webapps', 'modules'])
const notEnabled = /-available$/

async function filesUnder(root: string): Promise<string[]> {
  const files: string[] = []
  const seen = new Set<string>()
  let entries = 0
  let level = [root]
  for (let depth = 0; depth <= maxDepth && level.length > 0; depth++) {
    const next: string[] = []
    for (const dir of level) {
      const real = await realpath(dir).catch(() => dir)
      if (seen.has(real)) continue
      seen.add(real)
      const listed = await readdir(dir).catch(() => [] as string[])
      for (const name of listed.sort()) {
        if (++entries > maxEntries) return files
        const path = join(dir, name)
        const info = await stat(path).catch(() => undefined)
        if (info?.isFile()) files.push(path)
        else if (info?.isDirectory() && !skippedFolders.has(name) && !notEnabled.test(name) && !name.startsWith('.')) next.push(path)
      }
    }
    level = next
  }
  return files
}

const balancerMains = new Set(['httpd.conf', 'apache2.conf', 'nginx.conf', 'haproxy.cfg', 'workers.properties'])
const fragmentFolders = new Set(['conf.d', 'conf-enabled', 'sites-enabled', 'mods-enabled', 'conf.modules.d', 'modules-enabled'])

function isFragment(file: string): boolean {
  const folder = basename(dirname(file))
  if (!fragmentFolders.has(folder)) return false
  return folder === 'sites-enabled' || /\.(conf|load)$/.test(file)
}

/**
 * The balancer configs of a directory: every main file (httpd.conf, apache2.conf, nginx.conf,
 * haproxy.cfg, workers.properties) at any depth, shallowest first, then the files of conf.d,
 * *-enabled and conf.modules.d folders (read on their own when no main file includes them).
 * A folder of fragments alone (a copied conf.d) stands for its *.conf files.
 */
export async function balancerConfigsIn(root: string): Promise<string[]> {
  const files = await filesUnder(root)
  const depth = (f: string) => relative(root, f).split(sep).length
  const mains = files.filter((f) => balancerMains.has(basename(f))).sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1))
  const fragments = files.filter(isFragment)
  if (mains.length > 0 || fragments.length > 0) return [...mains, ...fragments]
  return files.filter((f) => dirname(f) === root && /\.(conf|cfg)$/.test(f))
}

/**
 * The Tomcat configs of a directory. A webapp (WEB-INF/web.xml, META-INF/context.xml) stands for
 * those two. Otherwise every server.xml below it (one per node: node1/conf/server.xml, …) with the
 * context.xml and web.xml beside it and the context descriptors of Catalina/<host>/*.xml; with no
 * server.xml, the context.xml and web.xml of the directory itself. Webapps inside a Tomcat base
 * are not entered: give the webapp's directory to read its own files.
 */
export async function tomcatConfigsIn(root: string): Promise<string[]> {
  const webapp = await existing([join(root, 'WEB-INF', 'web.xml'), join(root, 'META-INF', 'context.xml')])
  if (webapp.length > 0) return webapp
  const files = await filesUnder(root)
  const confDirs = files.filter((f) => basename(f) === 'server.xml').map((f) => dirname(f))
  // The directory's own context.xml / web.xml (or conf/'s) apply to every node below it.
  const shared = (await stat(join(root, 'conf')).catch(() => undefined))?.isDirectory() ? join(root, 'conf') : root
  if (!confDirs.includes(shared)) confDirs.push(shared)
  const found: string[] = []
  for (const conf of confDirs) {
    found.push(...(await existing(['server.xml', 'context.xml', 'web.xml'].map((name) => join(conf, name)))))
    const descriptors = files.filter((f) => f.endsWith('.xml') && dirname(dirname(f)) === join(conf, 'Catalina'))
    found.push(...descriptors.sort())
  }
  return found
}

async function existing(paths: string[]): Promise<string[]> {
  const out: string[] = []
  for (const path of paths) if ((await stat(path).catch(() => undefined))?.isFile()) out.push(path)
  return out
}

const appLayout = [
  ['application.yml', 'application.yaml', 'src/main/resources/application.yml', 'config/application.yml'],
  ['application.properties', 'src/main/resources/application.properties', 'config/application.properties'],
]

async function appConfigsIn(root: string): Promise<string[]> {
  const found: string[] = []
  for (const group of appLayout) {
    const first = (await existing(group.map((name) => join(root, name))))[0]
    if (first) found.push(first)
  }
  return found
}

const expected = {
  apache: 'httpd.conf, apache2.conf, nginx.conf, haproxy.cfg, workers.properties or a conf.d / *-enabled folder',
  tomcat: 'server.xml, context.xml, web.xml (also in conf/, WEB-INF/, META-INF/)',
  app: appLayout.flat().join(', '),
}

/** A directory stands for the config files inside it; files pass as they are. */
export async function expandDirectories(
  paths: readonly string[],
  kind: 'apache' | 'tomcat' | 'app',
  errors: InputError[],
): Promise<string[]> {
  const out: string[] = []
  for (const path of paths) {
    if (!(await stat(path).catch(() => undefined))?.isDirectory()) {
      out.push(path)
      continue
    }
    const found =
      kind === 'apache' ? await balancerConfigsIn(path) : kind === 'tomcat' ? await tomcatConfigsIn(path) : await appConfigsIn(path)
    if (found.length === 0) {
      errors.push({
        input: displayPath(path),
        message: `${displayPath(path)} is a directory with none of ${expected[kind]}: give the config file itself`,
      })
    }
    out.push(...found)
  }
  return [...new Set(out)]
}
