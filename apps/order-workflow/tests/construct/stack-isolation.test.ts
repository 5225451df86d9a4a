/**
 * One stack per step: a payment-only code change must leave every other stack's synthesized
 * template byte-identical, so only the payment stack redeploys. The workflow reaches each step
 * through the step's `live` alias ARN, exported by the step stack.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAMES } from '../../src/app.js';

const scratch = mkdtempSync(join(tmpdir(), 'stack-isolation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function templates(outdir: string): Record<string, string> {
  return Object.fromEntries(Object.values(STACK_NAMES).map((name) => [name, readFileSync(join(outdir, `${name}.template.json`), 'utf8')]));
}

describe('independently deployable step stacks', () => {
  const shipped = fileURLToPath(new URL('../../../../packages/payment/dist/lambda', import.meta.url));
  // A payment code change: the shipped bundle plus one more statement.
  const patched = join(scratch, 'payment-bundle');
  cpSync(shipped, patched, { recursive: true });
  appendFileSync(join(patched, 'index.mjs'), '\n// payment team: changed\n');

  buildApp({ outdir: join(scratch, 'before') }).synth();
  buildApp({ outdir: join(scratch, 'after'), payment: { code: lambda.Code.fromAsset(patched) } }).synth();
  const before = templates(join(scratch, 'before'));
  const after = templates(join(scratch, 'after'));

  it('synthesizes one stack per step plus the workflow stack', () => {
    expect(Object.keys(before).sort()).toEqual(['OrderFlow-Inventory', 'OrderFlow-OrderStatus', 'OrderFlow-Payment', 'OrderWorkflow']);
  });

  it('a payment-only code change changes only the payment stack', () => {
    expect(after[STACK_NAMES.payment]).not.toEqual(before[STACK_NAMES.payment]);
    expect(after[STACK_NAMES.inventory]).toEqual(before[STACK_NAMES.inventory]);
    expect(after[STACK_NAMES.orderStatus]).toEqual(before[STACK_NAMES.orderStatus]);
    expect(after[STACK_NAMES.workflow]).toEqual(before[STACK_NAMES.workflow]);
  });

  it('the workflow invokes each step through the alias ARN its step stack publishes in SSM, never an import', () => {
    const workflow = JSON.parse(before[STACK_NAMES.workflow]!) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Parameters: Record<string, { Type: string; Default?: string }>;
    };
    const [machine] = Object.values(workflow.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(machine!.Properties.DefinitionString);
    expect(definition).not.toContain('Fn::ImportValue');
    for (const step of ['inventory', 'payment', 'order-status']) {
      const name = `/order-flow/orders/${step}/live-alias-arn`;
      const [logicalId] = Object.entries(workflow.Parameters).find(([, p]) => p.Default === name) ?? [];
      expect(logicalId, `${name} read by the workflow stack`).toBeDefined();
      expect(workflow.Parameters[logicalId!]!.Type).toBe('AWS::SSM::Parameter::Value<String>');
      expect(definition, `${step} task invokes the parameter's value`).toContain(`{"Ref":"${logicalId!}"}`);
    }
    // No step function is created in the workflow stack itself.
    const handlers = Object.values(workflow.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Handler === 'index.handler');
    expect(handlers).toHaveLength(1); // the order API's own function
    const payment = JSON.parse(before[STACK_NAMES.payment]!) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    expect(Object.values(payment.Resources).some((r) => r.Type === 'AWS::Lambda::Alias' && r.Properties.Name === 'live')).toBe(true);
  });
});
