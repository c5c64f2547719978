import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    // The text report fits COLUMNS when not on a terminal: pinned, so goldens do not follow the developer's shell.
    env: {FORCE_COLOR: '0', COLUMNS: '80'},
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
