// Lint rules, including the layer rules of docs/architecture.md: nothing imports a layer above it.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const UI_LIBS = ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'recharts'];
const TFJS = ['@tensorflow/*'];
const NO_HTML =
  'Text from links, imported files and the corpus is shown as text, never parsed as HTML: ' +
  'render it as a React child or set textContent (the page runs under a strict CSP, but ' +
  'markup injected here would still change the page).';

/** The layers above the engine, by folder under src/. */
const ABOVE_ENGINE = ['ui', 'store', 'worker', 'cli'];

/** A layer without DOM or UI libraries that imports nothing from the folders `above` it. */
function domFreeLayer(dir, above, extra = []) {
  return {
    files: [`${dir}/**/*.ts`],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...extra,
            { group: UI_LIBS, message: `${dir} must not import UI libraries.` },
            {
              group: above.map((d) => `**/${d}/**`),
              message: `${dir} must not import from layers above it.`,
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'document', 'window', 'navigator', 'localStorage'],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'out', 'experiments', 'scratch'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // The core is plain TypeScript: configs, validation, the mixers' maths, task data, the
  // protocol. No tfjs, no UI libraries, no DOM, nothing from the layers that use it.
  domFreeLayer(
    'src/core',
    ['engine', ...ABOVE_ENGINE],
    [{ group: TFJS, message: 'src/core runs without tfjs: tensors belong in src/engine.' }],
  ),
  // The engine is the core plus tfjs: no UI libraries, no DOM, no worker or store code.
  domFreeLayer('src/engine', ABOVE_ENGINE),
  {
    // The UI and the store never run tfjs: the worker owns the backend. They use the core.
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: TFJS, message: 'The UI never touches tfjs; talk to the worker instead.' },
            {
              group: ['**/engine/**'],
              message: 'The UI and the store use src/core; the engine runs in the worker.',
            },
          ],
        },
      ],
    },
  },
  {
    // No HTML parsing of strings anywhere in the app (test/e2e/csp.e2e.ts checks the page). A
    // later block that sets no-restricted-syntax or no-restricted-properties for src/ would
    // replace these lists: extend them here instead.
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: NO_HTML },
        { selector: "Property[key.name='dangerouslySetInnerHTML']", message: NO_HTML },
      ],
      'no-restricted-properties': [
        'error',
        { property: 'innerHTML', message: NO_HTML },
        { property: 'outerHTML', message: NO_HTML },
        { property: 'insertAdjacentHTML', message: NO_HTML },
        { property: 'createContextualFragment', message: NO_HTML },
        { object: 'document', property: 'write', message: NO_HTML },
        { object: 'document', property: 'writeln', message: NO_HTML },
      ],
    },
  },
);
