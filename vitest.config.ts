import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'sfu/**/*.test.ts', 'signaling/**/*.test.ts', 'agreement-templates/**/*.test.ts', 'web-client/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser and media tests are CPU-heavy on 2 cores: run files one at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
