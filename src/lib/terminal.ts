import {supportsColor} from 'chalk'

/** What decides colour and width: the stream's TTY state, its columns, the environment and --color. */
export interface TerminalState {
  isTTY: boolean
  columns?: number
  env: NodeJS.ProcessEnv
  /** --color (true), --no-color (false), or neither (undefined). */
  colorFlag?: boolean
  /** What chalk found for this terminal (TERM, COLORTERM, CI…); chalk's own detection by default. */
  detected?: boolean
}

/**
 * Colour by chalk's own rules, in this order: an explicit --no-color or --color; FORCE_COLOR
 * (0 or false: none; anything else: colour, also when piped); NO_COLOR (set and not empty: none);
 * TERM=dumb: none; not a terminal: none; else what chalk's supports-color finds for the terminal.
 */
export function useColor(state: TerminalState): boolean {
  if (state.colorFlag !== undefined) return state.colorFlag
  const force = state.env.FORCE_COLOR
  if (force !== undefined) return !(force === '0' || force === 'false')
  if (state.env.NO_COLOR) return false
  if (state.env.TERM === 'dumb') return false
  if (!state.isTTY) return false
  return state.detected ?? supportsColor !== false
}

/** Columns of the text report: the terminal's, else COLUMNS, else 80 (piped, a file, cron). */
export function terminalWidth(state: Pick<TerminalState, 'isTTY' | 'columns' | 'env'>): number {
  if (state.isTTY && state.columns && state.columns > 0) return state.columns
  const columns = Number.parseInt(state.env.COLUMNS ?? '', 10)
  if (Number.isSafeInteger(columns) && columns > 0) return Math.max(20, columns)
  return 80
}
