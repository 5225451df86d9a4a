import * as lambda from 'aws-cdk-lib/aws-lambda';
import { templateOf } from '@order-flow/construct-kit/testing';
import { createTestTable, type TestTable } from '@order-flow/local/testing';
import { OrderStatusStep } from '@order-flow/order-status';
import { inject } from 'vitest';

/** A uniquely named orders table in the shared DynamoDB Local, with the order-status layout. */
export interface OrdersTable extends Omit<TestTable, 'item'> {
  /** The raw stored order (strongly consistent), or undefined. */
  item(orderId: string): Promise<Record<string, unknown> | undefined>;
}

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
export const layout = templateOf((stack) => new OrderStatusStep(stack, 'OrderStatus', { code: lambda.Code.fromInline('exports.handler = () => {}') }));

export async function createOrdersTable(): Promise<OrdersTable> {
  const table = await createTestTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'api-orders' });
  return { ...table, item: (orderId) => table.item({ orderId }) };
}
