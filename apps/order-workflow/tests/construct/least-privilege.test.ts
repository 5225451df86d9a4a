import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties: Json;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** X-Ray actions a traced function's role gets; X-Ray has no resource-level permissions. */
const XRAY_FUNCTION = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
/** What a state machine needs for log delivery (level ALL) and X-Ray: `*`-resource by AWS design. */
const STATE_MACHINE_STAR_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** What a function created with functionWithOwnLogGroup may do, on its own log group only. */
const OWN_LOG_GROUP = ['logs:CreateLogStream', 'logs:PutLogEvents'];
/** Per function (by POWERTOOLS_SERVICE_NAME): its table env var and the DynamoDB actions its adapter calls. */
const FUNCTIONS: Record<string, { tableEnv: string; dynamodb: string[]; other?: Record<string, string> }> = {
  inventory: { tableEnv: 'INVENTORY_TABLE_NAME', dynamodb: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  'inventory-api': { tableEnv: 'INVENTORY_TABLE_NAME', dynamodb: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  payment: { tableEnv: 'PAYMENT_TABLE_NAME', dynamodb: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  'order-status': { tableEnv: 'ORDERS_TABLE_NAME', dynamodb: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
  // The API may also start executions, of the state machine its STATE_MACHINE_ARN names and no other.
  'order-api': { tableEnv: 'ORDERS_TABLE_NAME', dynamodb: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], other: { 'states:StartExecution': 'STATE_MACHINE_ARN' } },
};

const outdir = mkdtempSync(join(tmpdir(), 'order-flow-lp-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = buildApp({ outdir });
const templates = new Map(
  app.node.children.filter((c): c is Stack => Stack.isStack(c)).map((s) => [s.stackName, Template.fromStack(s).toJSON() as { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>; Parameters?: Record<string, { Type: string; Default?: unknown }> }]),
);

/**
 * Reduces a reference to the resource it points at, `<stack>/<logicalId>`, whether written as a
 * Ref, a GetAtt (`.Arn`), an import of another stack's export, or a template parameter read
 * from an SSM parameter another stack publishes (the value CloudFormation resolves at deploy is
 * that parameter's Value) — so a table's name (env var) and its ARN (policy) compare equal across
 * stacks. Anything else (`*`, a Join with a suffix such as `/index/*`) comes back as its JSON,
 * which matches no resource.
 */
function target(stack: string, value: unknown): string {
  if (value && typeof value === 'object') {
    const v = value as Json;
    const parameter = typeof v.Ref === 'string' ? templates.get(stack)?.Parameters?.[v.Ref] : undefined;
    if (parameter?.Type === 'AWS::SSM::Parameter::Value<String>') {
      for (const [name, t] of templates) {
        for (const r of Object.values(t.Resources)) {
          if (r.Type === 'AWS::SSM::Parameter' && r.Properties.Name === parameter.Default) return target(name, r.Properties.Value);
        }
      }
    }
    if (typeof v.Ref === 'string') return `${stack}/${v.Ref}`;
    // A table name taken from its ARN: {Fn::Select [1, {Fn::Split ["/", {Fn::Select [5, {Fn::Split [":", arn]}]}]}]}.
    const select = v['Fn::Select'] as [number, Json] | undefined;
    const inner = (select?.[1]?.['Fn::Split'] as [string, Json] | undefined)?.[1]?.['Fn::Select'] as [number, Json] | undefined;
    const arn = (inner?.[1]?.['Fn::Split'] as [string, unknown] | undefined)?.[1];
    if (select?.[0] === 1 && inner?.[0] === 5 && arn !== undefined) return target(stack, arn);
    if (Array.isArray(v['Fn::GetAtt']) && v['Fn::GetAtt'][1] === 'Arn') return `${stack}/${String(v['Fn::GetAtt'][0])}`;
    // A table ARN built from its name (what the Step Functions DynamoDB tasks grant on).
    const join = v['Fn::Join'] as [string, unknown[]] | undefined;
    if (join && join[0] === '' && join[1].length >= 2) {
      const parts = join[1];
      const before = parts[parts.length - 2];
      if (typeof before === 'string' && before.endsWith(':table/')) return target(stack, parts[parts.length - 1]);
    }
    if (typeof v['Fn::ImportValue'] === 'string') {
      for (const [name, t] of templates) {
        for (const out of Object.values(t.Outputs ?? {})) if (out.Export?.Name === v['Fn::ImportValue']) return target(name, out.Value);
      }
    }
  }
  return JSON.stringify(value);
}

const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/** Every statement of every inline policy attached to `roleLogicalId`, and the role's managed policies. */
function roleStatements(stack: string, roleLogicalId: string): { statements: Statement[]; managed: unknown[] } {
  const t = templates.get(stack)!;
  const statements = Object.values(t.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && list(r.Properties.Roles as unknown[]).some((ref) => target(stack, ref) === `${stack}/${roleLogicalId}`))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return { statements, managed: (t.Resources[roleLogicalId]!.Properties.ManagedPolicyArns as unknown[] | undefined) ?? [] };
}

const functions = [...templates].flatMap(([stack, t]) =>
  Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => {
      const vars = ((r.Properties.Environment as Json | undefined)?.Variables ?? {}) as Json;
      const role = (r.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const logGroup = (r.Properties.LoggingConfig as Json | undefined)?.LogGroup;
      return { stack, id, service: String(vars.POWERTOOLS_SERVICE_NAME), vars, logGroup, ...roleStatements(stack, role) };
    }),
);

describe('least privilege over the synthesized templates of buildApp()', () => {
  it('knows every function of the app', () => {
    expect(functions.map((f) => f.service).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  describe.each(Object.keys(FUNCTIONS))('function %s', (service) => {
    const fn = functions.find((f) => f.service === service)!;
    const spec = FUNCTIONS[service]!;

    it('touches only its own table, and only with its adapter actions', () => {
      const ownTable = target(fn.stack, fn.vars[spec.tableEnv]);
      expect(ownTable).toMatch(/Table/);
      const data = fn.statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
      expect(data.length).toBeGreaterThan(0);
      for (const s of data) {
        expect(list(s.Action).every((a) => a.startsWith('dynamodb:'))).toBe(true);
        expect(list(s.Resource).map((r) => target(fn.stack, r))).toEqual([ownTable]);
      }
      expect([...new Set(data.flatMap((s) => list(s.Action)))].sort()).toEqual(spec.dynamodb);
    });

    it('has no wildcard action and no *-resource besides X-Ray', () => {
      for (const s of fn.statements) {
        expect(s.Effect).toBe('Allow');
        for (const action of list(s.Action)) expect(action).not.toMatch(/\*/);
        if (list(s.Resource).includes('*')) expect(list(s.Action).sort()).toEqual(XRAY_FUNCTION);
      }
      expect(fn.statements.some((s) => list(s.Action).includes('xray:PutTraceSegments'))).toBe(true);
    });

    it('is allowed nothing else', () => {
      const known = new Set([...spec.dynamodb, ...XRAY_FUNCTION, ...OWN_LOG_GROUP, ...Object.keys(spec.other ?? {})]);
      expect(fn.statements.flatMap((s) => list(s.Action)).filter((a) => !known.has(a))).toEqual([]);
      for (const [action, env] of Object.entries(spec.other ?? {})) {
        const granted = fn.statements.filter((s) => list(s.Action).includes(action));
        expect(granted.flatMap((s) => list(s.Resource)).map((r) => target(fn.stack, r))).toEqual([target(fn.stack, fn.vars[env])]);
      }
      // No managed policy at all: AWSLambdaBasicExecutionRole would allow every log group of the account.
      expect(fn.managed).toEqual([]);
    });

    it('logs to its own log group and may write only there', () => {
      const logGroup = fn.logGroup;
      expect(logGroup).toBeDefined();
      const logs = fn.statements.filter((s) => list(s.Action).some((a) => a.startsWith('logs:')));
      expect(logs.flatMap((s) => list(s.Action)).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(logs.flatMap((s) => list(s.Resource)).map((r) => target(fn.stack, r))).toEqual([target(fn.stack, logGroup)]);
    });
  });

  describe('state machine role', () => {
    const [stack, t] = [...templates].find(([, tpl]) => Object.values(tpl.Resources).some((r) => r.Type === 'AWS::StepFunctions::StateMachine'))!;
    // The order workflow (the reconciler's two machines are checked below).
    const sm = Object.entries(t.Resources).find(([id, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && id.startsWith('WorkflowStateMachine'))![1];
    const role = (sm.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const { statements, managed } = roleStatements(stack, role);
    const stepAliases = [...templates].flatMap(([name, tpl]) =>
      Object.entries(tpl.Resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Alias')
        .map(([id]) => `${name}/${id}`),
    );
    const bus = Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::Events::EventBus')![0];

    it('may invoke only the three step aliases', () => {
      expect(stepAliases).toHaveLength(3);
      const invoke = statements.filter((s) => list(s.Action).some((a) => a.startsWith('lambda:')));
      for (const s of invoke) expect(list(s.Action)).toEqual(['lambda:InvokeFunction']);
      expect(invoke.flatMap((s) => list(s.Resource)).map((r) => target(stack, r)).sort()).toEqual(stepAliases.sort());
    });

    it('may put events only on the app bus', () => {
      const put = statements.filter((s) => list(s.Action).some((a) => a.startsWith('events:')));
      expect(put.flatMap((s) => list(s.Action))).toEqual(['events:PutEvents']);
      expect(put.flatMap((s) => list(s.Resource)).map((r) => target(stack, r))).toEqual([`${stack}/${bus}`]);
    });

    it('may read (GetItem) only the orders table: CheckConfirmed reads a failed confirm back', () => {
      const reads = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
      expect(reads.flatMap((s) => list(s.Action))).toEqual(['dynamodb:GetItem']);
      expect(reads.flatMap((s) => list(s.Resource)).map((r) => target(stack, r))).toEqual([target(stack, t.Outputs!.OrdersTableName!.Value)]);
    });

    it('uses *-resources only for the log-delivery and X-Ray actions', () => {
      const star = statements.filter((s) => list(s.Resource).includes('*'));
      expect(star.flatMap((s) => list(s.Action)).sort()).toEqual(STATE_MACHINE_STAR_ACTIONS);
      for (const s of statements) for (const action of list(s.Action)) expect(action).not.toMatch(/\*/);
      const known = new Set(['lambda:InvokeFunction', 'events:PutEvents', 'dynamodb:GetItem', ...STATE_MACHINE_STAR_ACTIONS]);
      expect(statements.flatMap((s) => list(s.Action)).filter((a) => !known.has(a))).toEqual([]);
      expect(managed).toEqual([]);
    });
  });
  describe("the reconciler's state machine roles", () => {
    const [stack, t] = [...templates].find(([, tpl]) => Object.keys(tpl.Resources).some((id) => id.startsWith('WorkflowReconcilerSettlement')))!;
    const machine = (prefix: string) => {
      const [id, sm] = Object.entries(t.Resources).find(([logicalId, r]) => r.Type === 'AWS::StepFunctions::StateMachine' && logicalId.startsWith(prefix))!;
      const role = (sm.Properties.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      return { id, ...roleStatements(stack, role) };
    };
    const ordersTable = target(stack, t.Outputs!.OrdersTableName!.Value);
    const unsettledTable = target(stack, t.Outputs!.UnsettledOrdersTableName!.Value);
    const granted = (statements: Statement[], prefix: string) =>
      statements.filter((s) => list(s.Action).some((a) => a.startsWith(prefix))).map((s) => ({ actions: list(s.Action).sort(), resources: list(s.Resource).map((r) => target(stack, r)).sort() }));

    it('settlement: reads the orders table, writes only the unsettled table, puts only on the app bus, invokes only the step aliases', () => {
      const { statements, managed, id } = machine('WorkflowReconcilerSettlement');
      expect(id).toBeTruthy();
      expect(granted(statements, 'dynamodb:').sort((a, b) => a.resources[0]!.localeCompare(b.resources[0]!))).toEqual(
        [
          { actions: ['dynamodb:GetItem'], resources: [ordersTable] },
          { actions: ['dynamodb:PutItem'], resources: [unsettledTable] },
        ].sort((a, b) => a.resources[0]!.localeCompare(b.resources[0]!)),
      );
      const known = new Set(['lambda:InvokeFunction', 'events:PutEvents', 'dynamodb:GetItem', 'dynamodb:PutItem', ...STATE_MACHINE_STAR_ACTIONS]);
      expect(statements.flatMap((s) => list(s.Action)).filter((a) => !known.has(a))).toEqual([]);
      for (const s of statements) if (list(s.Resource).includes('*')) expect(list(s.Action).every((a) => STATE_MACHINE_STAR_ACTIONS.includes(a))).toBe(true);
      expect(managed).toEqual([]);
    });

    it('reconciliation: Scan on the orders table and StartExecution of the settlement machine, nothing else', () => {
      const { statements, managed } = machine('WorkflowReconcilerReconciliation');
      const settlement = `${stack}/${machine('WorkflowReconcilerSettlement').id}`;
      expect(granted(statements, 'dynamodb:')).toEqual([{ actions: ['dynamodb:Scan'], resources: [ordersTable] }]);
      expect(granted(statements, 'states:')).toEqual([{ actions: ['states:StartExecution'], resources: [settlement] }]);
      const known = new Set(['dynamodb:Scan', 'states:StartExecution', ...STATE_MACHINE_STAR_ACTIONS]);
      expect(statements.flatMap((s) => list(s.Action)).filter((a) => !known.has(a))).toEqual([]);
      expect(managed).toEqual([]);
    });
  });
});
