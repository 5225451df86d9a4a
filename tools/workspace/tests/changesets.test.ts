/**
 * The changeset check: unit rules, then the real script in a scratch git repository where only
 * packages/payment changes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { missingChangesets, packagesInChangesets, shipsToUsers } from '../../scripts/check-changesets.ts';

const script = fileURLToPath(new URL('../../scripts/check-changesets.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('changeset rules', () => {
  const pkgs = [
    { name: '@order-flow/payment', dir: 'packages/payment' },
    { name: '@order-flow/inventory', dir: 'packages/inventory' },
  ];
  it('reads package names from changeset front matter', () => {
    expect([...packagesInChangesets(['---\n"@order-flow/payment": minor\n\'@order-flow/local\': patch\n---\n\nText'])]).toEqual([
      '@order-flow/payment',
      '@order-flow/local',
    ]);
  });
  it('refuses a file whose front matter is not a changeset, naming the file', () => {
    const files = new Map([['.changeset/typo.md', '---\n"@order-flow/payment": patchy\n---\n\nText']]);
    expect(() => packagesInChangesets(files)).toThrow(/^\.changeset\/typo\.md is not a valid changeset/);
    // Negative control: the same file with a real bump type is read.
    expect([...packagesInChangesets(new Map([['.changeset/ok.md', '---\n"@order-flow/payment": patch\n---\n\nText']]))]).toEqual(['@order-flow/payment']);
  });
  it('ignores tests and docs, not sources or the manifest', () => {
    expect(shipsToUsers('tests/unit/a.test.ts')).toBe(false);
    expect(shipsToUsers('README.md')).toBe(false);
    expect(shipsToUsers('api/payment.api.md')).toBe(false);
    expect(shipsToUsers('src/handler.ts')).toBe(true);
    expect(shipsToUsers('package.json')).toBe(true);
  });
  it('names exactly the changed packages without a changeset', () => {
    const changed = ['packages/payment/src/handler.ts', 'packages/inventory/tests/x.test.ts', 'apps/order-workflow/src/app.ts'];
    expect(missingChangesets(pkgs, changed, new Set())).toEqual([pkgs[0]]);
    expect(missingChangesets(pkgs, changed, new Set(['@order-flow/payment']))).toEqual([]);
  });
});

describe('pnpm check:changesets in a git repository', () => {
  const repo = mkdtempSync(join(tmpdir(), 'changesets-'));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo });
  const write = (path: string, text: string) => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  const check = () => spawnSync(tsx, [script, '--base', 'main'], { cwd: repo, encoding: 'utf8' });

  it('fails for a payment-only change until a changeset names payment', () => {
    write('packages/payment/package.json', JSON.stringify({ name: '@order-flow/payment' }));
    write('packages/payment/src/handler.ts', 'export const a = 1;\n');
    write('packages/inventory/package.json', JSON.stringify({ name: '@order-flow/inventory' }));
    write('.changeset/README.md', '# changesets\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'base');
    git('checkout', '-qb', 'feature');
    write('packages/payment/src/handler.ts', 'export const a = 2;\n');
    git('commit', '-qam', 'payment change');

    const without = check();
    expect(without.status).toBe(1);
    expect(without.stderr).toContain('@order-flow/payment');
    expect(without.stderr).not.toContain('@order-flow/inventory');

    write('.changeset/brave-payment.md', '---\n"@order-flow/payment": patch\n---\n\nFix rounding.\n');
    const withChangeset = check();
    expect(withChangeset.stderr).toBe('');
    expect(withChangeset.status).toBe(0);
  });
});
