/**
 * What CI builds for a change: Nx's project graph decides which projects a changed file affects.
 * Asked with `--files`, so the answer does not depend on git history.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function affectedBy(file: string, target?: string): string[] {
  const args = ['nx', 'show', 'projects', '--affected', `--files=${file}`, '--json'];
  if (target) args.push('--withTarget', target);
  const out = execFileSync('pnpm', ['exec', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  return (JSON.parse(out) as string[]).sort();
}

// Repo tooling that measures the shipped bundles (tools/bench's budget test) is rightly affected
// by a step change; the assertions are about the shipped projects.
const TOOLING = new Set(['@order-flow/bench', '@order-flow/consumer-test', '@order-flow/workspace-checks']);
const shipped = (projects: string[]) => projects.filter((p) => !TOOLING.has(p));

describe('affected-only selection', () => {
  it('a payment-only change selects payment and the app, not the other steps', () => {
    const affected = affectedBy('packages/payment/src/handler.ts', 'test');
    expect(shipped(affected)).toEqual(['@order-flow/order-workflow', '@order-flow/payment']);
    expect(affected.filter((p) => TOOLING.has(p))).toEqual(['@order-flow/bench']);
  });

  it('an inventory-only change selects inventory and the app', () => {
    expect(shipped(affectedBy('packages/inventory/src/handler.ts', 'test'))).toEqual(['@order-flow/inventory', '@order-flow/order-workflow']);
  });

  it('a contracts change selects every step and the app', () => {
    expect(affectedBy('packages/contracts/src/order.ts', 'test')).toEqual(
      expect.arrayContaining([
        '@order-flow/contracts',
        '@order-flow/inventory',
        '@order-flow/order-status',
        '@order-flow/order-workflow',
        '@order-flow/payment',
      ]),
    );
    expect(affectedBy('packages/contracts/src/order.ts', 'test')).not.toContain('@order-flow/local');
  });
});
