import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    disableConsoleIntercept: true,
    env: {FORCE_COLOR: '0'},
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
