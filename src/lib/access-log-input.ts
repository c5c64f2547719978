import {readFile} from 'node:fs/promises'
import {PARALLEL_MIN_BYTES} from '../core/access-log/index.js'
import type {AccessLogOptions} from '../core/access-log/types.js'
import {UserError} from './errors.js'

/** `--apache-conf FILE` read; a file that cannot be read is a usage error. */
export async function readApacheConf(path: string | undefined): Promise<{path: string; text: string} | undefined> {
  if (!path) return undefined
  try {
    return {path, text: await readFile(path, 'utf8')}
  } catch (error) {
    throw new UserError(
      `--apache-conf: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'check the path and that you may read it',
    )
  }
}

/** `--threads N`: absent lets the analyzer choose, 1 reads in one thread. */
export function parallelOf(threads: number | undefined): AccessLogOptions['parallel'] {
  if (threads === undefined) return undefined
  return threads > 1 ? {minBytes: PARALLEL_MIN_BYTES, threads} : false
}
