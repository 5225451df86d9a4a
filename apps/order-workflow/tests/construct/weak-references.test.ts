import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAMES, STEP_REFERENCE_APP } from '../../src/app.js';
import { OrderWorkflowStack } from '../../src/order-workflow-stack.js';
import { InventoryStack, OrderStatusStack, PaymentStack } from '../../src/step-stacks.js';

interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Export?: unknown }>;
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
}

const scratch = mkdtempSync(join(tmpdir(), 'order-flow-weak-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const templatesOf = (app: App): Record<string, CfnTemplate> =>
  Object.fromEntries(app.node.children.filter((c): c is Stack => Stack.isStack(c)).map((s) => [s.stackName, Template.fromStack(s).toJSON() as CfnTemplate]));

/** Every `Fn::ImportValue` and every exported output of a set of templates. */
const crossStackLocks = (templates: Record<string, CfnTemplate>) => ({
  imports: Object.values(templates).flatMap((t) => JSON.stringify(t).match(/"Fn::ImportValue"/g) ?? []),
  exports: Object.values(templates).flatMap((t) => Object.values(t.Outputs ?? {}).filter((o) => o.Export !== undefined)),
});

/** What each step stack publishes, by the documented name `/order-flow/<app>/<step>/<key>`. */
const PUBLISHED: Record<string, { step: string; keys: string[] }> = {
  [STACK_NAMES.inventory]: { step: 'inventory', keys: ['live-alias-arn', 'stock-api-function-arn', 'table-arn', 'table-name'] },
  [STACK_NAMES.payment]: { step: 'payment', keys: ['live-alias-arn', 'table-arn', 'table-name'] },
  [STACK_NAMES.orderStatus]: { step: 'order-status', keys: ['live-alias-arn', 'table-arn', 'table-name'] },
};

describe('weak references between the stacks: SSM parameters, no exports', () => {
  const app = buildApp({ outdir: join(scratch, 'app') });
  const templates = templatesOf(app);
  const workflow = templates[STACK_NAMES.workflow]!;

  it('no Fn::ImportValue anywhere and no exported output: CloudFormation locks nothing a step team may replace', () => {
    expect(crossStackLocks(templates)).toEqual({ imports: [], exports: [] });
  });

  it('the old wiring (step objects handed across stacks) does import: negative control of the check above', () => {
    const old = new App({ outdir: join(scratch, 'old') });
    const inventory = new InventoryStack(old, 'I');
    const payment = new PaymentStack(old, 'P');
    const orderStatus = new OrderStatusStack(old, 'O');
    new OrderWorkflowStack(old, 'W', { steps: { inventory: inventory.step, payment: payment.step, orderStatus: orderStatus.step } });
    const locks = crossStackLocks(templatesOf(old));
    expect(locks.imports.length).toBeGreaterThan(0);
    expect(locks.exports.length).toBeGreaterThan(0);
  });

  it.each(Object.entries(PUBLISHED))('%s publishes its references under /order-flow/orders/<step>/<key>, each the value of its own resource', (stackName, { step, keys }) => {
    const t = templates[stackName]!;
    const parameters = Object.values(t.Resources).filter((r) => r.Type === 'AWS::SSM::Parameter');
    expect(parameters.map((p) => p.Properties.Name).sort()).toEqual(keys.map((key) => `/order-flow/${STEP_REFERENCE_APP}/${step}/${key}`));
    const valueOf = (key: string) => parameters.find((p) => p.Properties.Name === `/order-flow/${STEP_REFERENCE_APP}/${step}/${key}`)!.Properties.Value as Record<string, unknown>;
    const aliasId = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Alias' && r.Properties.Name === 'live')![0];
    const tableId = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::DynamoDB::GlobalTable')![0];
    expect(valueOf('live-alias-arn')).toEqual({ Ref: aliasId });
    expect(valueOf('table-name')).toEqual({ Ref: tableId });
    expect(valueOf('table-arn')).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    for (const p of parameters) expect(p.Properties.Type).toBe('String');
  });

  it('the workflow stack reads exactly what it uses, as AWS::SSM::Parameter::Value<String> template parameters', () => {
    const ssm = Object.entries(workflow.Parameters ?? {}).filter(([, p]) => p.Type === 'AWS::SSM::Parameter::Value<String>');
    expect(ssm.map(([, p]) => p.Default).sort()).toEqual(
      [
        '/cdk-bootstrap/hnb659fds/version',
        '/order-flow/orders/inventory/live-alias-arn',
        '/order-flow/orders/inventory/stock-api-function-arn',
        '/order-flow/orders/inventory/table-arn',
        '/order-flow/orders/order-status/live-alias-arn',
        '/order-flow/orders/order-status/table-arn',
        '/order-flow/orders/payment/live-alias-arn',
        '/order-flow/orders/payment/table-arn',
      ].sort(),
    );
    // Every one is used by a resource or output (no dead parameter), the bootstrap version by the template's Rules.
    const used = JSON.stringify([workflow.Resources, workflow.Outputs]);
    for (const [id, p] of ssm) if (p.Default !== '/cdk-bootstrap/hnb659fds/version') expect(used.includes(`{"Ref":"${id}"}`), `${id} used`).toBe(true);
  });

  it('the workflow deploys after the step stacks (manifest dependencies), which publish before it reads', () => {
    const manifest = app.synth().getStackByName(STACK_NAMES.workflow);
    expect(manifest.dependencies.map((d) => d.id).filter((id) => !id.endsWith('.assets')).sort()).toEqual(
      [STACK_NAMES.inventory, STACK_NAMES.orderStatus, STACK_NAMES.payment].sort(),
    );
  });
});
