import {Chalk, type ChalkInstance} from 'chalk'
import type {RedactOptions} from '../core/report/scrub.js'

export interface RenderOptions extends RedactOptions {
  color?: boolean
  /** Terminal width for wrapping; tables size themselves. */
  width?: number
}

export function paint(options: RenderOptions): ChalkInstance {
  return new Chalk({level: options.color ? 1 : 0})
}
