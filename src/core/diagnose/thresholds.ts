/** The numeric thresholds of diagnose's own checks; a config file's `thresholds` overrides them by name. */
export const correlationThresholds = {
  /** Minutes after a restart / deploy in which flips count as caused by it. */
  restartWindowMinutes: 10,
  /** Minutes before a restart that still count (a shutdown logged late, clocks apart). */
  restartLeadMinutes: 2,
  /** Flips inside restart windows needed before blaming the restarts. */
  restartMinFlips: 5,
  /** Share of all flips inside restart windows that makes it a warning. */
  restartFlipShare: 0.3,
  /** Minutes around a Redis error in which churn and flips count as its effect. */
  redisErrorWindowMinutes: 2,
  /** Churn or flip events inside Redis-error minutes needed for the correlation. */
  redisErrorMinEvents: 3,
  /** Session p95 size (bytes) from which sessions count as large for the strategy matrix. */
  largeSessionBytes: 100 * 1024,
} as const

export type CorrelationThresholds = {-readonly [K in keyof typeof correlationThresholds]: number}
