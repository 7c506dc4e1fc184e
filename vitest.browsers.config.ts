import { defineConfig } from 'vitest/config';

// The cross-browser suite (test/browsers): the built page in Chromium, Firefox ESR and
// WebKitGTK. Run with `npm run test:browsers` (builds first); ENGINES=firefox,webkit narrows it.
export default defineConfig({
  test: {
    include: ['test/browsers/**/*.xb.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
