/**
 * Deploy selection: which stacks a change deploys. Covers the logic (template diff, dry-run
 * decision, Nx affected selection) and one real dry run through the CDK CLI — never AWS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describePlan, diffTemplates, hasAwsCredentials, hasChanges } from '../../scripts/deploy.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('deploy plan', () => {
  const before = { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: 'a' } }, T: { Type: 'AWS::DynamoDB::Table' } } };
  it('names added, removed and changed resources', () => {
    const after = { Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: 'b' } }, V: { Type: 'AWS::Lambda::Version' } } };
    const diff = diffTemplates(before, after);
    expect(diff).toEqual({
      added: ['V (AWS::Lambda::Version)'],
      removed: ['T (AWS::DynamoDB::Table)'],
      changed: ['Fn (AWS::Lambda::Function)'],
      outputsChanged: false,
    });
    expect(describePlan('S', before, diff)).toContain('S: would deploy');
  });
  it('an identical template deploys nothing; an unrecorded stack would be created', () => {
    expect(hasChanges(diffTemplates(before, before))).toBe(false);
    expect(describePlan('S', before, diffTemplates(before, before))).toContain('nothing to deploy');
    expect(describePlan('S', undefined, diffTemplates(undefined, before))).toContain('would be created with 2 resources');
  });
  it('runs dry without credentials', () => {
    expect(hasAwsCredentials({})).toBe(false);
    expect(hasAwsCredentials({ AWS_PROFILE: 'dev' })).toBe(true);
    expect(hasAwsCredentials({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' })).toBe(true);
  });
});

describe('nx affected -t deploy', () => {
  const deployers = (file: string) =>
    (JSON.parse(
      execFileSync('pnpm', ['exec', 'nx', 'show', 'projects', '--affected', `--files=${file}`, '--withTarget', 'deploy', '--json'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NX_DAEMON: 'false' },
      }),
    ) as string[]).sort();

  it('a payment-only change deploys the payment stack and the workflow stack, nothing else', () => {
    expect(deployers('packages/payment/src/handler.ts')).toEqual(['@order-flow/order-workflow', '@order-flow/payment']);
  });
  it('a contracts change deploys every stack', () => {
    expect(deployers('packages/contracts/src/order.ts')).toEqual([
      '@order-flow/inventory',
      '@order-flow/order-status',
      '@order-flow/order-workflow',
      '@order-flow/payment',
    ]);
  });
});

describe('payment deploy target, dry run through the CDK CLI', () => {
  const deployed = mkdtempSync(join(tmpdir(), 'deployed-'));
  afterAll(() => rmSync(deployed, { recursive: true, force: true }));
  const dryRun = () =>
    spawnSync('pnpm', ['run', 'deploy'], {
      cwd: join(root, 'packages/payment'),
      encoding: 'utf8',
      env: { ...process.env, DEPLOYED_TEMPLATES_DIR: deployed, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' },
    });

  it('names only the payment stack, and nothing to do once its template is the deployed one', () => {
    const first = dryRun();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('[dry run: no AWS credentials] OrderFlow-Payment: would deploy');
    expect(first.stdout).not.toMatch(/OrderFlow-Inventory|OrderFlow-OrderStatus|OrderWorkflow:/);

    // Record the current synthesized template as the deployed one.
    const synth = mkdtempSync(join(tmpdir(), 'synth-'));
    execFileSync(join(root, 'apps/order-workflow/node_modules/.bin/cdk'), ['synth', '--quiet', '--output', synth], { cwd: join(root, 'apps/order-workflow'), stdio: 'ignore' });
    mkdirSync(deployed, { recursive: true });
    writeFileSync(join(deployed, 'OrderFlow-Payment.template.json'), readFileSync(join(synth, 'OrderFlow-Payment.template.json')));
    rmSync(synth, { recursive: true, force: true });

    const second = dryRun();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('OrderFlow-Payment: no changes');
    // Three synths of the whole app through the CDK CLI: ~20 s each on a busy 2-core machine.
  }, 180_000);
});
