import * as lambda from 'aws-cdk-lib/aws-lambda';
import { templateOf } from '@order-flow/construct-kit/testing';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTestTable as createTable } from '@order-flow/local/testing';
import { inject } from 'vitest';
import { PaymentStep } from '../../src/construct.js';

/** A uniquely named table on the shared DynamoDB Local, so test files can run in parallel. */
export interface TestTable {
  readonly tableName: string;
  /** A document client on the table's endpoint (what the store and the gateway take). */
  readonly client: DynamoDBDocumentClient;
  item(pk: string): Promise<Record<string, unknown> | undefined>;
  scan(): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
export const layout = templateOf((stack) => new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('exports.handler = () => {}') }));

export async function createTestTable(): Promise<TestTable> {
  const table = await createTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'payment' });
  return {
    tableName: table.tableName,
    client: table.documentClient,
    item: (pk) => table.item({ pk }),
    scan: () => table.scan(),
    drop: () => table.dispose(),
  };
}
