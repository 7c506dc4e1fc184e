import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Training tests run real (small) models on the wasm/cpu backends: give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // tfjs keeps one global engine per process; isolate test files in forked processes.
    pool: 'forks',
  },
});
