import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/', '**/dist/', 'coverage/', 'node_modules/', 'test-results/', '.tmp/', '.demo/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // the host page's safety: no code from strings
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': ['error', { property: 'innerHTML', message: 'Build DOM nodes; never parse strings as HTML.' }, { property: 'outerHTML' }, { property: 'insertAdjacentHTML' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/**/*.ts', 'examples/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: ['test/**/*.{ts,mjs,js}', 'bench/**/*.{mjs,js}', 'examples/**/*.{mjs,js}', 'scripts/**/*.mjs', '*.config.{js,mjs,ts}', 'rollup.config.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, desirePath: 'readonly' } },
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
)
