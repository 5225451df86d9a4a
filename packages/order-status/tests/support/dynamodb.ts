import * as lambda from 'aws-cdk-lib/aws-lambda';
import { templateOf } from '@order-flow/construct-kit/testing';
import { createTestTable, type TestTable } from '@order-flow/local/testing';
import { inject } from 'vitest';
import { OrderStatusStep } from '../../src/construct.js';

export type { TestTable } from '@order-flow/local/testing';

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
export const layout = templateOf((stack) => new OrderStatusStep(stack, 'OrderStatus', { code: lambda.Code.fromInline('exports.handler = () => {}') }));

/** A uniquely named orders table in the shared DynamoDB Local, laid out as the construct creates it. */
export function createOrdersTable(): Promise<TestTable> {
  return createTestTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'orders' });
}
