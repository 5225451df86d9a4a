// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/cdk.out/**', '**/node_modules/**', '**/coverage/**', '**/.tmp/**', '**/*.js', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='only']", message: 'No focused tests.' },
      ],
    },
  },
  // Architecture boundaries (docs/ARCHITECTURE.md; package-level edges are checked on the Nx graph by
  // tools/workspace/tests/architecture.test.ts): contracts <- steps <- app; steps never import
  // each other; the local runtime knows nothing of orders; Lambda code never pulls in aws-cdk-lib.
  ...boundaries(),
  {
    // Tests may use `any` in assertions on raw SDK/engine shapes.
    files: ['**/tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);

function boundaries() {
  const steps = ['inventory', 'payment', 'order-status'];
  const restrict = (files, patterns, why) => ({
    files,
    ignores: ['**/tests/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message: why })) }] },
  });
  return [
    restrict(['packages/contracts/**/*.ts'], ['@order-flow/*', 'aws-cdk-lib', 'aws-cdk-lib/*', '@aws-sdk/*', 'constructs'],
      'contracts has no AWS or workspace dependencies.'),
    {
      files: ['packages/local-runtime/**/*.ts'],
      ignores: ['**/tests/**'],
      rules: {
        'no-restricted-imports': ['error', { patterns: [{ group: ['@order-flow/*', '!@order-flow/step-functions'], message: 'the local runtime runs any CDK app and knows nothing of orders; its only workspace dependency is the engine.' }] }],
      },
    },
    restrict(['packages/step-functions/**/*.ts'], ['@order-flow/*', '@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
      'the Step Functions engine is pure: no AWS SDK, no CDK, nothing of this repository.'),
    ...steps.map((step) =>
      restrict([`packages/${step}/**/*.ts`],
        [...steps.filter((other) => other !== step).map((other) => `@order-flow/${other}`), '@order-flow/order-workflow'],
        'steps never import each other or the app: share shapes through @order-flow/contracts.'),
    ),
    ...steps.map((step) =>
      restrict([`packages/${step}/src/handler.ts`, `packages/${step}/src/domain/**/*.ts`, `packages/${step}/src/adapters/**/*.ts`],
        ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@order-flow/construct-kit', `@order-flow/${step}`, '../index.js', './index.js', '../construct.js', './construct.js'],
        'Lambda code must not import CDK or the package root (it would drag aws-cdk-lib into the bundle).'),
    ),
  ];
}
