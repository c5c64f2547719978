import type {Level} from './types.js'

/**
 * Level names as JULI, logback and log4j2 print them, including the names JULI prints under
 * other locales (a Tomcat started with -Duser.language=de logs SCHWERWIEGEND / WARNUNG).
 */
const levelWords: Record<Level, readonly string[]> = {
  error: ['SEVERE', 'ERROR', 'FATAL', 'CRITICAL', 'SCHWERWIEGEND', 'FEHLER', 'GRAVE', 'SEVERO', 'ERREUR', 'BŁĄD', '重大', '严重', '嚴重'],
  warn: ['WARNING', 'WARN', 'WARNUNG', 'AVERTISSEMENT', 'ADVERTENCIA', 'AVVERTENZA', 'AVISO', 'OSTRZEŻENIE', '警告'],
  info: ['INFO', 'INFORMATION', 'INFOS', 'INFORMACIÓN', 'INFORMAZIONI', 'INFORMAÇÕES', 'NOTICE', '情報', '信息', '資訊'],
  debug: [
    'DEBUG',
    'TRACE',
    'CONFIG',
    'KONFIGURATION',
    'FINE',
    'FEIN',
    'FINER',
    'FEINER',
    'FINEST',
    'AM',
    'PRÉCIS',
    'DETALLADO',
    '詳細',
    '详细',
  ],
  unknown: [],
}

const byWord = new Map<string, Level>()
for (const [level, words] of Object.entries(levelWords) as Array<[Level, readonly string[]]>) {
  for (const word of words) byWord.set(word, level)
}

/** The level of an upper-case level word, or undefined when it is not one. */
export function levelOf(word: string): Level | undefined {
  return byWord.get(word) ?? byWord.get(word.toUpperCase())
}

export function isProblemLevel(level: Level): boolean {
  return level === 'error' || level === 'warn'
}
