// Lint rules, including the layer rules of DESIGN.md §3: nothing imports a layer above it.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const UI_LIBS = ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'recharts'];
const TFJS = ['@tensorflow/*'];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'out', 'experiments'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is pure TypeScript on tfjs: no UI libraries, no DOM, no worker or store code.
    files: ['src/engine/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: UI_LIBS, message: 'src/engine must not import UI libraries.' },
            {
              group: ['**/ui/**', '**/store/**', '**/worker/**', '**/cli/**'],
              message: 'src/engine must not import from layers above it.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'document', 'window', 'navigator', 'localStorage'],
    },
  },
  {
    // The UI and the store never run tfjs: the worker owns the backend.
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
              regex: 'engine/(?!types$|config/|mixers/registry$|tasks/presets$)',
              message: 'The UI may import engine types, configs, presets and the mixer table only.',
            },
          ],
        },
      ],
    },
  },
);
