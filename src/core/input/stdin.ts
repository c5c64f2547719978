/** The input name that stands for standard input (kept apart so that readers need not load the glob library). */
export const STDIN = '-'
