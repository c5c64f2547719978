/** `a, b,c` → ['a', 'b', 'c'] (a comma-separated flag value). */
export function parseList(spec: string | undefined): string[] | undefined {
  return spec
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean)
}
