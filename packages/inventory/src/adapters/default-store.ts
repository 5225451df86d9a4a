/**
 * What both inventory functions (the step's and the stock API's) use when their handler is given no
 * store: the table named by INVENTORY_TABLE_NAME, one document client and a store on them. Module
 * scope, so they are created once per cold start and every warm invocation reuses the client's
 * connections; undefined when the variable is not set (the handler then says so).
 */
import { documentClient as newDocumentClient } from '@order-flow/lambda-kit/handler';
import { INVENTORY_TABLE_NAME_ENV } from '../lambda-env.js';
import { DynamoDbStockStore } from './dynamodb-stock-store.js';

/** The table name the function was deployed with. */
export const tableName = process.env[INVENTORY_TABLE_NAME_ENV];
/** The function's one document client (also what its Init-phase priming uses). */
export const documentClient = tableName ? newDocumentClient() : undefined;
/** The production store. */
export const defaultStore = documentClient && tableName ? new DynamoDbStockStore(documentClient, tableName) : undefined;
