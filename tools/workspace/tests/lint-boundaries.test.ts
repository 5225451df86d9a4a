/**
 * The dependency directions of docs/ARCHITECTURE.md fail lint, not only the Nx-graph test: the
 * repository's own eslint.config.js (eslint-plugin-boundaries on the packages' `scope:` tags) is
 * run on scratch files. Each scratch file exists only in memory (`lintText` with a `filePath`
 * inside a real package), so the tree is never touched; only the `boundaries/*` rules run and the
 * type-aware parser is off, which keeps each case to milliseconds instead of a typed program.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const RULE = 'boundaries/dependencies';

/** Scratch files: repository-relative path -> source. */
const SCRATCH = {
  stepToStep: ['packages/payment/src/scratch.ts', "import { InventoryStep } from '@order-flow/inventory';\nexport const x = InventoryStep;\n"],
  stepToStepRelative: ['packages/payment/src/scratch.ts', "export * from '../../inventory/src/domain/errors.js';\n"],
  stepSourceToRuntime: ['packages/inventory/src/scratch.ts', "import { startDynamo } from '@order-flow/local';\nexport const x = startDynamo;\n"],
  runtimeToContracts: ['packages/local-runtime/src/scratch.ts', "import type { OrderRecord } from '@order-flow/contracts';\nexport type X = OrderRecord;\n"],
  apiToStepRoots: ['packages/order-api/src/scratch.ts', "export * from '@order-flow/order-status';\nexport * from '@order-flow/inventory';\n"],
  stepToShared: ['packages/payment/src/scratch.ts', "export * from '@order-flow/contracts';\nexport * from '@order-flow/lambda-kit';\nexport * from './ports.js';\n"],
  stepTestsToRuntime: ['packages/payment/tests/unit/scratch.test.ts', "export * from '@order-flow/local';\n"],
  apiToOrderStatusRuntime: ['packages/order-api/src/scratch.ts', "export { OrderService } from '@order-flow/order-status/runtime';\n"],
  appToSteps: ['apps/order-workflow/src/scratch.ts', "export * from '@order-flow/inventory';\nexport * from '@order-flow/payment';\nexport * from '@order-flow/order-api';\n"],
} as const satisfies Record<string, readonly [string, string]>;

/**
 * ESLint runs in its own Node process (as the `lint` targets run it; inside Vitest's module
 * runner the plugin's ESM build cannot load), once for all cases: only the `boundaries/*` rules,
 * the type-aware parser off, each scratch file linted with `lintText` under its path.
 */
const LINT_SCRIPT = `
import { ESLint } from 'eslint';
const cases = JSON.parse(process.argv[1]);
const eslint = new ESLint({
  cwd: process.cwd(),
  ruleFilter: ({ ruleId }) => ruleId.startsWith('boundaries/'),
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});
const out = {};
for (const [name, [path, code]] of Object.entries(cases)) {
  const [result] = await eslint.lintText(code, { filePath: process.cwd() + '/' + path });
  out[name] = result.messages.map(({ ruleId, message, fatal }) => ({ ruleId, message, fatal: fatal === true }));
}
process.stdout.write(JSON.stringify(out));
`;

type Message = { ruleId: string | null; message: string; fatal: boolean };
let results: Record<keyof typeof SCRATCH, Message[]>;
beforeAll(() => {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_SCRIPT, JSON.stringify(SCRATCH)], { cwd: root, encoding: 'utf8' });
  results = JSON.parse(out) as typeof results;
});

/** The boundary errors on one scratch file (and no parse failure that would hide them). */
function boundaryErrors(name: keyof typeof SCRATCH): string[] {
  expect(results[name].filter((m) => m.fatal)).toEqual([]);
  return results[name].filter((m) => m.ruleId === RULE).map((m) => m.message);
}

describe('lint refuses an import across a forbidden direction', () => {
  it('a step importing another step', () => {
    expect(boundaryErrors('stepToStep')).toEqual([expect.stringMatching(/^scope:step must not import @order-flow\/inventory \(scope:step\): see "Allowed dependency directions" in docs\/ARCHITECTURE.md$/)]);
  });

  it('a step reaching into another step by a relative path', () => {
    expect(boundaryErrors('stepToStepRelative')).toHaveLength(1);
  });

  it("a step's source importing the local runtime (only its tests may)", () => {
    expect(boundaryErrors('stepSourceToRuntime')).toEqual([expect.stringMatching(/^scope:step must not import @order-flow\/local \(scope:runtime\)/)]);
  });

  it('the runtime importing anything of orders', () => {
    expect(boundaryErrors('runtimeToContracts')).toEqual([expect.stringMatching(/^scope:runtime must not import @order-flow\/contracts \(scope:shared\)/)]);
  });

  it('the Order API importing a step other than through order-status/runtime', () => {
    expect(boundaryErrors('apiToStepRoots')).toHaveLength(2);
  });
});

describe('lint accepts the allowed directions (negative controls)', () => {
  it('a step importing the shared kits, and its tests importing the local runtime', () => {
    expect(boundaryErrors('stepToShared')).toEqual([]);
    expect(boundaryErrors('stepTestsToRuntime')).toEqual([]);
  });

  it("the Order API writing orders through order-status's public runtime entry", () => {
    expect(boundaryErrors('apiToOrderStatusRuntime')).toEqual([]);
  });

  it('the app importing every step', () => {
    expect(boundaryErrors('appToSteps')).toEqual([]);
  });
});
