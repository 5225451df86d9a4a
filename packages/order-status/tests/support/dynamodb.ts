import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { createTestTable, type TemplateJson, type TestTable } from '@order-flow/local/testing';
import { inject } from 'vitest';
import { OrderStatusStep } from '../../src/construct.js';

export type { TestTable } from '@order-flow/local/testing';

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
function layout(): TemplateJson {
  const stack = new Stack(new App(), 'TableLayout');
  new OrderStatusStep(stack, 'OrderStatus', { code: lambda.Code.fromInline('exports.handler = () => {}') });
  return Template.fromStack(stack).toJSON();
}

/** A uniquely named orders table in the shared DynamoDB Local, laid out as the construct creates it. */
export function createOrdersTable(): Promise<TestTable> {
  return createTestTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'orders' });
}
