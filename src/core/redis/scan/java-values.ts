/**
 * Numbers as session stores write them: Java serialization (JdkSerializationRedisSerializer, the
 * Spring Session default), JSON (GenericJackson2JsonRedisSerializer: `1800` or `["java.lang.Long",1]`)
 * or plain text. Anything else is `undefined`: never a throw.
 */
export function decodeStoredNumber(value: Buffer | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  if (bytes.length >= 4 && bytes[0] === 0xac && bytes[1] === 0xed) return decodeJavaNumber(bytes)
  return decodeTextNumber(bytes.toString('utf8'))
}

const magic = [0xac, 0xed, 0x00, 0x05]
const TC_OBJECT = 0x73
const TC_CLASSDESC = 0x72

/** java.lang.Integer / Long / Short / Byte boxed values: the primitive is the last bytes of the stream. */
export function decodeJavaNumber(bytes: Buffer): number | undefined {
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b)) return undefined
  if (bytes[4] !== TC_OBJECT || bytes[5] !== TC_CLASSDESC) return undefined
  const nameLength = bytes.readUInt16BE(6)
  if (8 + nameLength > bytes.length) return undefined
  const className = bytes.toString('latin1', 8, 8 + nameLength)
  const width = {'java.lang.Integer': 4, 'java.lang.Long': 8, 'java.lang.Short': 2, 'java.lang.Byte': 1}[className]
  if (width === undefined) return undefined
  // The class descriptors end with TC_ENDBLOCKDATA (0x78) TC_NULL (0x70) right before the value.
  const at = bytes.length - width
  if (at < 8 + nameLength + 2 || bytes[at - 2] !== 0x78 || bytes[at - 1] !== 0x70) return undefined
  switch (width) {
    case 8: {
      const big = bytes.readBigInt64BE(at)
      return big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER) ? undefined : Number(big)
    }
    case 4:
      return bytes.readInt32BE(at)
    case 2:
      return bytes.readInt16BE(at)
    default:
      return bytes.readInt8(at)
  }
}

function decodeTextNumber(text: string): number | undefined {
  const trimmed = text.trim()
  if (/^-?\d{1,16}$/.test(trimmed)) return Number(trimmed)
  // Jackson default typing: ["java.lang.Long", 1764000000000]
  const typed = /^\[\s*"java\.lang\.(?:Long|Integer)"\s*,\s*(-?\d{1,16})\s*\]$/.exec(trimmed)
  if (typed) return Number(typed[1])
  return undefined
}
