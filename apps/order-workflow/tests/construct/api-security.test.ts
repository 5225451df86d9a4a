import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp, WORKFLOW_STACK_NAME } from '../../src/app.js';

const outdir = mkdtempSync(join(tmpdir(), 'order-flow-api-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
const app = buildApp({ outdir });
const stack = app.node.children.find((c): c is Stack => Stack.isStack(c) && c.stackName === WORKFLOW_STACK_NAME)!;
const template = Template.fromStack(stack);

describe('the HTTP API on AWS', () => {
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties as Record<string, unknown>);

  it('serves the order and stock routes', () => {
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['GET /inventory/{sku}', 'GET /orders/{orderId}', 'POST /orders', 'PUT /inventory/{sku}']);
  });

  it('requires authorization on every route (AWS_IAM or JWT, never NONE)', () => {
    for (const route of routes) expect(['AWS_IAM', 'JWT'], String(route.RouteKey)).toContain(route.AuthorizationType);
    expect(routes.filter((r) => r.AuthorizationType === undefined || r.AuthorizationType === 'NONE')).toEqual([]);
  });

  it('has no default stage without limits: the one stage throttles and writes access logs', () => {
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')).map(
      (s) => s.Properties as { DefaultRouteSettings: { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }; AccessLogSettings: unknown },
    );
    expect(stages).toHaveLength(1);
    const [stage] = stages;
    expect(stage!.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
    expect(stage!.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage!.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(stage!.AccessLogSettings).toMatchObject({ DestinationArn: expect.anything(), Format: expect.any(String) });
  });
});
