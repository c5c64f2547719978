/** `access.log.2.gz`, `access.log.1`, `access.log` are one log read in turn; other names are other front ends. */
export function rotationBase(path: string): string {
  const plain = path.replace(/\.(gz|bz2|xz|zst)$/, '')
  const numbered = /^(.*)\.\d{1,4}$/.exec(plain)
  if (numbered?.[1]) return numbered[1]
  const dated = /^(.*?)[.-]\d{4}-?\d{2}-?\d{2}(?:[-_T]?\d{2,6})?$/.exec(plain)
  if (dated?.[1]) return dated[1]
  return plain
}

/** Groups files (already oldest first) into streams: one per rotated set, in the order given. */
export function groupStreams(files: readonly string[]): string[][] {
  const groups = new Map<string, string[]>()
  for (const file of files) {
    const base = rotationBase(file)
    const group = groups.get(base)
    if (group) group.push(file)
    else groups.set(base, [file])
  }
  return [...groups.values()]
}
