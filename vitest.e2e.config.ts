import { defineConfig } from 'vitest/config';

// The E2E suite: the built page in Debian's Chromium (WebGPU on SwiftShader), one file at a
// time, generous timeouts (SwiftShader is slow). Run with `npm run test:e2e` (builds first).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
