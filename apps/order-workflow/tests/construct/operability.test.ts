import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, STACK_NAMES } from '../../src/app.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const outdir = mkdtempSync(join(tmpdir(), 'order-flow-ops-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = buildApp({ outdir });
const templates = new Map(
  app.node.children.filter((c): c is Stack => Stack.isStack(c)).map((s) => [s.stackName, (Template.fromStack(s).toJSON() as { Resources: Resources }).Resources]),
);

const STEP_STACKS = [STACK_NAMES.inventory, STACK_NAMES.payment, STACK_NAMES.orderStatus];

describe('operability: alarms per step, one dashboard for the workflow', () => {
  it.each(STEP_STACKS)('%s ships error-rate, throttle and p99-duration alarms on its live alias', (stackName) => {
    const resources = templates.get(stackName)!;
    // The deployment group's canary alarms (construct-kit's StepDeployment, tested there) are the other three.
    const all = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
    expect(all).toHaveLength(6);
    const alarms = all.filter((r) => !JSON.stringify(r.Properties).includes('ExecutedVersion') && !String(r.Properties.AlarmDescription).includes('CodeDeploy'));
    expect(alarms).toHaveLength(3);
    const fnId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::Lambda::Alias' && r.Properties.Name === 'live')![1].Properties.FunctionName as { Ref: string };
    // CloudWatch reports an alias as FunctionName = <name>, Resource = <name>:live.
    const aliasDimensions = [
      { Name: 'FunctionName', Value: fnId },
      { Name: 'Resource', Value: { 'Fn::Join': ['', [fnId, ':live']] } },
    ];
    const byMetric = (name: string) => alarms.find((a) => a.Properties.MetricName === name)!;
    expect(byMetric('Throttles').Properties).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(byMetric('Throttles').Properties.Dimensions).toEqual(aliasDimensions);
    // 80% of the 10 s function timeout.
    expect(byMetric('Duration').Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 8000, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanThreshold' });
    expect(byMetric('Duration').Properties.Dimensions).toEqual(aliasDimensions);
    const rate = alarms.find((a) => Array.isArray(a.Properties.Metrics))!.Properties;
    expect(rate).toMatchObject({ Threshold: 10, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
    const metrics = rate.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[];
    expect(metrics.find((m) => m.Expression)!.Expression).toBe('100 * errors / MAX([errors, invocations])');
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Metric.Dimensions])).toEqual([
      ['errors', 'Errors', aliasDimensions],
      ['invocations', 'Invocations', aliasDimensions],
    ]);
  });

  describe('the workflow dashboard', () => {
    const resources = templates.get(STACK_NAMES.workflow)!;
    const dashboards = Object.values(resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);

    it('is one dashboard, in the workflow stack only', () => {
      expect(dashboards).toHaveLength(1);
      for (const stack of STEP_STACKS) expect(Object.values(templates.get(stack)!).some((r) => r.Type === 'AWS::CloudWatch::Dashboard')).toBe(false);
    });

    it('shows executions started, succeeded, failed, timed out and aborted, and the p99 execution time, of the workflow state machine', () => {
      const machine = Object.keys(resources).find((id) => id.startsWith('WorkflowStateMachine') && resources[id]!.Type === 'AWS::StepFunctions::StateMachine')!;
      for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionTime']) {
        expect(body).toMatch(new RegExp(`\\\\"AWS/States\\\\",\\\\"${metric}\\\\",\\\\"StateMachineArn\\\\",\\\\"",\\{\\"Ref\\":\\"${machine}\\"`));
      }
      expect(body).toContain('\\"stat\\":\\"p99\\"');
    });

    it('shows the p99 duration of each step, from the alias ARN the step stack publishes (no reference to the step stack)', () => {
      for (const step of ['inventory', 'payment', 'orderstatus']) {
        // FunctionName = the 7th field of the alias ARN read from SSM: arn:aws:lambda:<region>:<account>:function:<name>:live
        expect(body).toMatch(new RegExp(`\\{"Fn::Select":\\[6,\\{"Fn::Split":\\[":",\\{"Ref":"SsmParameterValueorderfloworders${step}livealiasarn[0-9A-F]+Parameter"\\}\\]\\}\\]\\}`));
      }
      expect(body.match(/\\"Duration\\"/g)?.length).toBeGreaterThanOrEqual(6); // combined p99 graph + each step's p50/p99 graph
      expect(body).not.toContain('Fn::ImportValue');
    });

    it('counts orders by outcome (OrderConfirmed or the failure reason) from the execution log', () => {
      const logGroup = Object.keys(resources).find((id) => id.startsWith('WorkflowExecutionLogs'))!;
      expect(body).toContain(`SOURCE '",{"Ref":"${logGroup}"}`);
      expect(body).toContain('FailStateEntered');
      expect(body).toContain('stats count(*) as orders by outcome');
    });
  });
});
