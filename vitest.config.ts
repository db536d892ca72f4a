import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Several suites bind loopback servers and spawn the CLI; two workers match the 2-core machines.
    maxWorkers: 2,
  },
});
