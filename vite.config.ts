import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * Cross-origin isolation (COOP + COEP) makes SharedArrayBuffer available, so the worker's wasm
 * backend loads its threaded SIMD binary. Every asset is same-origin (wasm binaries, UDHR texts,
 * the worker), so `require-corp` blocks nothing. A static host must send the same two headers;
 * without them the page still works, on single-threaded wasm.
 */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  worker: {
    format: 'es',
    // No identifier mangling in the worker: tfjs-backend-wasm starts its threads from the
    // *source text* of its Emscripten factory (fn.toString() in a Blob), and mangled names
    // there point at variables the thread does not have ("e is not defined").
    rolldownOptions: { output: { minify: { mangle: false, compress: false, codegen: true } } },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
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
