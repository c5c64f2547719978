import {randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {lstat, open, readlink, rename, stat, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'
import {StdoutError, UserError} from './errors.js'

let stdoutFailure: NodeJS.ErrnoException | undefined
let watchingStdout = false

/**
 * Records standard output's errors instead of crashing on them. oclif's listener rethrows every
 * error but EPIPE as an uncaught exception: ours replaces it, for the rest of the process.
 */
export function guardStdout(): void {
  if (watchingStdout) return
  process.stdout.removeAllListeners('error')
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    stdoutFailure ??= error
  })
  watchingStdout = true
}

/**
 * Writes the report to standard output. A reader that went away (`| head -1`: EPIPE) ends it
 * quietly; any other failure (`> /dev/full`: ENOSPC) is a StdoutError. Waits for the pipe to
 * drain, not for a write callback (test doubles of stdout never call it).
 */
export async function writeStdout(text: string): Promise<void> {
  guardStdout()
  try {
    if (!process.stdout.write(text)) await once(process.stdout, 'drain')
  } catch (error) {
    // A file or device as stdout writes synchronously and throws; `once` rejects on 'error'.
    stdoutFailure ??= error as NodeJS.ErrnoException
  }
  // A pipe reports a failed write on the next tick.
  await new Promise((done) => setImmediate(done))
  if (stdoutFailure && stdoutFailure.code !== 'EPIPE') throw new StdoutError(stdoutFailure)
}

/**
 * Writes the report to `path`. A regular file (new or replaced) is written atomically: a temp
 * file beside it, then renamed over it, with the replaced file's owner and mode, so a cron job
 * never leaves half a report. A symlink is followed and its target written the same way (the
 * link stays); a device, FIFO or socket is written through (`-o /dev/null` stays a device).
 */
export async function writeReportFile(path: string, text: string): Promise<void> {
  const fail = (error: unknown): UserError =>
    error instanceof UserError ? error : new UserError(`cannot write ${path}: ${describe(error)}`, hintFor(error))
  let target: string
  let existing: Awaited<ReturnType<typeof stat>> | undefined
  try {
    target = await followLinks(path)
    existing = await stat(target).catch(ignoreMissing)
  } catch (error) {
    throw fail(error)
  }
  if (existing?.isDirectory()) throw new UserError(`cannot write ${path}: it is a directory`, 'give a file name, e.g. -o report.json')
  if (existing && !existing.isFile()) {
    await writeFile(target, text).catch((error) => {
      throw fail(error)
    })
    return
  }
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    // Exclusive create: a link planted at the temp name is not followed. A new report gets the umask's mode.
    const file = await open(temp, 'wx', existing ? 0o600 : 0o666)
    try {
      await file.writeFile(text)
      if (existing) await keepOwnerAndMode(file, existing, path)
    } finally {
      await file.close()
    }
    await rename(temp, target)
  } catch (error) {
    await unlink(temp).catch(() => {})
    throw fail(error)
  }
}

async function keepOwnerAndMode(
  file: Awaited<ReturnType<typeof open>>,
  existing: Awaited<ReturnType<typeof stat>>,
  path: string,
): Promise<void> {
  const created = await file.stat()
  if (created.uid !== existing.uid || created.gid !== existing.gid) {
    // Only root may give a file away: anyone else would silently take it over, so refuse instead.
    await file.chown(Number(existing.uid), Number(existing.gid)).catch(() => {
      throw new UserError(
        `cannot write ${path} as it is: it belongs to uid ${existing.uid} (gid ${existing.gid}), and replacing it would make it yours`,
        'run sessdoc as the owner of the file, or write the report to another path',
      )
    })
  }
  // After chown, which clears set-id bits.
  await file.chmod(Number(existing.mode) & 0o777)
}

/** The path a symlink chain ends at (which may not exist yet). */
async function followLinks(path: string): Promise<string> {
  let current = path
  for (let hops = 0; hops < 40; hops++) {
    const info = await lstat(current).catch(ignoreMissing)
    if (!info?.isSymbolicLink()) return current
    await refusePlantedLink(current, info.uid)
    current = resolve(dirname(current), await readlink(current))
  }
  throw new UserError(`cannot write ${path}: too many levels of symbolic links`, 'point --output at the file itself')
}

/**
 * Linux's fs.protected_symlinks rule: in a sticky world-writable directory (/tmp) a link owned by
 * someone other than us or the directory's owner may have been planted to make us overwrite its target.
 */
async function refusePlantedLink(link: string, linkOwner: number): Promise<void> {
  const parent = await stat(dirname(link))
  const shared = (parent.mode & 0o1002) === 0o1002
  if (shared && linkOwner !== process.geteuid?.() && linkOwner !== parent.uid) {
    throw new UserError(
      `refusing to follow the symlink ${link}: it belongs to uid ${linkOwner} in the shared directory ${dirname(link)}, where anyone may have planted it`,
      'write the report into a directory only you can write, or remove the link',
    )
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT') return undefined
  throw error
}

const reasons: Record<string, string> = {
  ENOENT: 'its directory does not exist',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENXIO: 'no process reads that FIFO or socket',
  ELOOP: 'too many levels of symbolic links',
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  return code && reasons[code] ? `${reasons[code]} (${code})` : ((error as Error).message ?? String(error))
}

function hintFor(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'free some space, or write the report elsewhere'
  return 'check that the directory exists and that you may write to it'
}
