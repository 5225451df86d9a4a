// @ts-check
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import boundariesPlugin from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * Which scopes a package of each scope may import (`imports`), and what its tests under `tests/`
 * may import besides (`testsAlso`), by the packages' package.json `nx.tags` `scope:` tags.
 * Mirrors `ALLOWED` in tools/scripts/architecture.ts (the Nx-graph check); the reasons are in
 * docs/ARCHITECTURE.md, "Allowed dependency directions". Lint sees files, so it is finer: a step's
 * source may not import the runtime (only its tests may, for DynamoDB Local), and the api may
 * import a step only as `@order-flow/order-status/runtime` (see `scopeBoundaries`).
 */
const SCOPE_RULES = {
  shared: { imports: ['shared'], testsAlso: [] },
  runtime: { imports: ['runtime'], testsAlso: [] },
  step: { imports: ['shared'], testsAlso: ['runtime'] },
  api: { imports: ['shared'], testsAlso: ['runtime'] },
  app: { imports: ['shared', 'runtime', 'step', 'api'], testsAlso: [] },
  tooling: { imports: ['shared', 'runtime', 'step', 'api', 'app', 'tooling'], testsAlso: [] },
};

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/cdk.out/**', '**/node_modules/**', '**/coverage/**', '**/.tmp/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
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
  // Architecture boundaries (docs/ARCHITECTURE.md). Between packages: eslint-plugin-boundaries on
  // the packages' Nx `scope:` tags (the same table tools/workspace/tests/architecture.test.ts checks
  // on the Nx graph), so a forbidden import fails the importing package's own `lint` target.
  // Inside packages: contracts and the engine import nothing of AWS; Lambda code never pulls in
  // aws-cdk-lib.
  scopeBoundaries(),
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
    restrict(['packages/step-functions/**/*.ts'], ['@order-flow/*', '@aws-sdk/*', 'aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'],
      'the Step Functions engine is pure: no AWS SDK, no CDK, nothing of this repository.'),
    ...steps.map((step) =>
      restrict([`packages/${step}/src/handler.ts`, `packages/${step}/src/domain/**/*.ts`, `packages/${step}/src/adapters/**/*.ts`],
        ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', '@order-flow/construct-kit', `@order-flow/${step}`, '../index.js', './index.js', '../construct.js', './construct.js'],
        'Lambda code must not import CDK or the package root (it would drag aws-cdk-lib into the bundle).'),
    ),
  ];
}

/** The workspace's packages (pnpm-workspace.yaml: packages/*, apps/*, tools/*) and their scope tags. */
function workspacePackages() {
  return ['packages', 'apps', 'tools'].flatMap((group) =>
    readdirSync(join(import.meta.dirname, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(import.meta.dirname, group, entry.name, 'package.json')))
      .map((entry) => {
        const root = `${group}/${entry.name}`;
        /** @type {{ name: string, nx?: { tags?: string[] } }} */
        const manifest = JSON.parse(readFileSync(join(import.meta.dirname, root, 'package.json'), 'utf8'));
        const scope = manifest.nx?.tags?.find((tag) => tag.startsWith('scope:'))?.slice('scope:'.length);
        return { name: manifest.name, root, scope };
      }),
  );
}

/**
 * The `boundaries/dependencies` rule: one element per workspace package, typed by its scope tag;
 * imports of `@order-flow/*` (declared or not, built or not) and relative paths resolve to the
 * package they land in (tools/scripts/eslint-workspace-resolver.cjs). Fails loudly on a package
 * without a known scope tag, so nothing escapes the rule by being untagged.
 */
function scopeBoundaries() {
  const packages = workspacePackages();
  const untagged = packages.filter((pkg) => !pkg.scope || !(pkg.scope in SCOPE_RULES));
  if (untagged.length > 0) {
    throw new Error(`eslint.config.js: ${untagged.map((pkg) => pkg.root).join(', ')} has no known scope: tag in package.json nx.tags (one of ${Object.keys(SCOPE_RULES).join(', ')})`);
  }
  return {
    files: ['**/*.ts'],
    plugins: { boundaries: boundariesPlugin },
    settings: {
      'boundaries/root-path': import.meta.dirname,
      // One element per package, typed by its scope tag; tools/scripts (no package.json, linted
      // by tools/workspace) is tooling too.
      'boundaries/elements': [
        ...packages.map((pkg) => ({ type: pkg.scope, pattern: pkg.root })),
        { type: 'tooling', pattern: 'tools/scripts' },
      ],
      'boundaries/files': [{ category: 'test', pattern: '**/tests/**' }],
      'import/resolver': {
        [join(import.meta.dirname, 'tools/scripts/eslint-workspace-resolver.cjs')]: {
          packages: Object.fromEntries(packages.map((pkg) => [pkg.name, join(import.meta.dirname, pkg.root)])),
        },
      },
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        message: 'scope:{{from.element.type}} must not import {{dependency.source}} (scope:{{to.element.type}}): see "Allowed dependency directions" in docs/ARCHITECTURE.md',
        policies: [
          ...Object.entries(SCOPE_RULES).flatMap(([scope, { imports, testsAlso }]) => [
            { from: { element: { type: scope } }, allow: { to: { element: { types: { anyOf: imports } } } } },
            ...(testsAlso.length === 0 ? [] : [{
              from: { element: { type: scope }, file: { categories: 'test' } },
              allow: { to: { element: { types: { anyOf: testsAlso } } } },
            }]),
          ]),
          {
            // The Order API is not a second writer of the orders table: it runs the table owner's
            // code through order-status's public runtime entry, and nothing else of any step.
            from: { element: { type: 'api' } },
            allow: { to: { element: { type: 'step' } }, dependency: { source: '@order-flow/order-status/runtime' } },
          },
          {
            // Its tests also build the orders table from the owner's construct, so the table in
            // DynamoDB Local is the one order-status declares.
            from: { element: { type: 'api' }, file: { categories: 'test' } },
            allow: { to: { element: { type: 'step' } }, dependency: { source: '@order-flow/order-status' } },
          },
        ],
      }],
    },
  };
}
