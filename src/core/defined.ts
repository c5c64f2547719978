/** The object without its undefined fields: so that spreading it over defaults keeps the defaults. */
export function defined<T extends Record<string, unknown>>(object: T): {[K in keyof T]?: Exclude<T[K], undefined>} {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as {[K in keyof T]?: Exclude<T[K], undefined>}
}
