import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
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

/**
 * The built page's Content-Security-Policy: everything from the page's own origin, nothing
 * inline, no eval. Deviations from "'self' only", each needed by something that runs here:
 * - 'wasm-unsafe-eval': compiling WebAssembly (tfjs-backend-wasm) counts as eval to CSP; this
 *   allows wasm only, not JavaScript eval.
 * - img-src data:: small images that the bundler or a library inlines as data: URLs.
 * - style-src 'self' only: React and recharts set inline styles through CSSOM (el.style.x = …),
 *   which CSP does not restrict; nothing parses inline <style> or style="" markup.
 * - blob: for scripts and workers, in the header only (`workers`): on a cross-origin-isolated
 *   page tfjs-backend-wasm's threaded binary starts its pthread pool from the training worker
 *   as `new Worker(blob:)` (Emscripten's worker source in a Blob), and each pthread runs
 *   `importScripts(blob:)` on the factory's source text (fn.toString() in a Blob); tfjs has no
 *   option to use URLs instead. Without worker-src blob: the pool never starts and the wasm
 *   backend hangs; without script-src blob: the pthreads' importScripts fail and the worker
 *   crashes. A blob: URL can only be made by script already running in this origin, so this
 *   admits no outside code; and the page, under both policies, still has no blob:.
 * Delivered twice: a <meta> in the built index.html (cspMeta below; not under `vite` dev, whose
 * React refresh needs inline scripts) and a response header from `vite preview`, because a
 * worker (the training worker, the service worker) takes its policy from its own response
 * headers, not from the page. The page obeys both (their intersection: the meta's). A static
 * host must send the header too.
 */
function csp({ workers }: { workers: boolean }): string {
  const blob = workers ? ' blob:' : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${blob}`,
    `worker-src 'self'${blob}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
  ].join('; ');
}

/** Injects the CSP as the first element of <head> of the built index.html. */
function cspMeta(policy: string): Plugin {
  return {
    name: 'pike-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        {
          tag: 'meta',
          attrs: { 'http-equiv': 'Content-Security-Policy', content: policy },
          injectTo: 'head-prepend',
        },
      ],
    },
  };
}

/**
 * The UDHR files the service worker precaches: the index (the worker resolves every code with
 * it, the task picker lists it) and the texts of the presets' languages (en, de, fr, hi, sw in
 * src/core/tasks/presets.ts, as udhr package codes), so every preset trains offline after one
 * visit; the other ~530 texts are cached on first use. A list, not derived from the presets
 * here: that would import engine modules into this config, and Vite warns on every start about
 * their extensionless imports (unsupported by its coming native config loader).
 * test/unit/pwa.test.ts checks that the list is exactly the presets' languages.
 */
export const PRECACHED_UDHR = ['index', 'deu_1996', 'eng', 'fra', 'hin', 'swh'];

/**
 * The service worker (vite-plugin-pwa, Workbox generateSW), built by `vite build` only: it
 * precaches the app, the wasm binaries and the presets' texts, so the page loads and trains
 * offline after one visit, and caches any other UDHR text the first time it is used.
 * Updates: every precached file carries a revision (its content hash), and a changed build
 * changes sw.js, so the browser installs the new worker, which takes over at once (autoUpdate:
 * skipWaiting + clientsClaim) and drops the old precache; src/main.tsx tells the user to reload
 * rather than reloading under a running training.
 */
function pwa(): Plugin[] {
  return VitePWA({
    injectRegister: false, // src/main.tsx imports virtual:pwa-register (no inline script: CSP)
    registerType: 'autoUpdate',
    manifest: {
      name: 'PiKE Playground',
      short_name: 'PiKE',
      description:
        'Train a small multi-task transformer in your browser and watch the PiKE data mixer adapt.',
      // The header's white (--card in src/ui/styles.css): the window's title bar continues it.
      theme_color: '#ffffff',
      background_color: '#f4f5f8', // --bg
      display: 'standalone',
      icons: [
        { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      // The manifest and its icons are added by the plugin (includeManifestIcons).
      globPatterns: [
        '**/*.{js,css,html,wasm}',
        ...PRECACHED_UDHR.map((code) => `udhr/${code}.json`),
      ],
      // The worker bundle (tfjs and four backends, unminified names: see `worker` below) is
      // ~2.7 MB, over Workbox's default limit of 2 MiB; a file over the limit is left out of
      // the precache with only a build warning, and the page would not start offline.
      maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
      cleanupOutdatedCaches: true,
      // What registerType 'autoUpdate' means; the plugin sets them itself only when it injects
      // the registration (injectRegister 'auto'), not for virtual:pwa-register.
      skipWaiting: true,
      clientsClaim: true,
      runtimeCaching: [
        {
          // Any other language: from the network the first time, then from this cache. (This
          // function is copied into sw.js as text: no variables from here; base is '/'.)
          urlPattern: ({ url }) => url.pathname.startsWith('/udhr/'),
          handler: 'CacheFirst',
          options: {
            cacheName: 'udhr-texts',
            plugins: [
              {
                // Offline and not cached: answer 503 instead of a bare "Failed to fetch", so
                // the worker's corpus loader names the file it could not load.
                handlerDidError: async () =>
                  new Response(null, { status: 503, statusText: 'Offline' }),
              },
            ],
          },
        },
      ],
    },
  });
}

export default defineConfig({
  plugins: [react(), cspMeta(csp({ workers: false })), pwa()],
  worker: {
    format: 'es',
    // No identifier mangling in the worker: tfjs-backend-wasm starts its threads from the
    // *source text* of its Emscripten factory (fn.toString() in a Blob), and mangled names
    // there point at variables the thread does not have ("e is not defined").
    rolldownOptions: { output: { minify: { mangle: false, compress: false, codegen: true } } },
  },
  server: { headers: isolation },
  preview: { headers: { ...isolation, 'Content-Security-Policy': csp({ workers: true }) } },
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
