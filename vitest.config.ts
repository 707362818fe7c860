import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The V8 flags the launcher sets (bin/audit-deploy.js).
    setupFiles: ['test/support/v8-flags.ts'],
  },
});
