/**
 * @order-flow/order-api: the Order Flow HTTP API (submit an order, follow it). The public API is
 * the CDK construct and types; the Lambda handler ships prebuilt inside the package and is never
 * imported from here, so aws-cdk-lib stays out of it and the handler out of CDK apps.
 */
export {
  OrderApi,
  type OrderApiJwtAuthorization,
  type OrderApiProps,
  type OrderApiThrottle,
} from './construct.js';
export { ORDERS_TABLE_ENV, SERVICE_NAME, STATE_MACHINE_ARN_ENV } from './config.js';
export { OrderApiErrors, type OrderApiError } from './domain/errors.js';
export { executionArnFor } from './domain/execution-arn.js';
export type { OrderView } from './domain/order-view.js';
