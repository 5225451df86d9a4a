/**
 * @order-flow/order-status: the order-status step of Order Flow (orders table, legal status
 * transitions, history). The public API is the CDK construct and types; the Lambda handler ships
 * prebuilt inside the package and is never imported from here, so aws-cdk-lib stays out of it.
 */
import { ErrorName } from '@order-flow/contracts';

export {
  OrderStatusStep,
  OrderStatusStepBase,
  type ConfirmOrderTaskOptions,
  type CreateOrderTaskOptions,
  type FailOrderTaskOptions,
  type OrderStatusStepProps,
} from './construct.js';
export { ORDERS_TABLE_ENV } from './config.js';
export { IllegalTransitionError, OrderConflictError, OrderNotFoundError } from './domain/errors.js';
export { LEGAL_TRANSITIONS, isLegalTransition } from './domain/transitions.js';
export type { CaughtError, Confirmation } from './domain/order.js';
export type { ClaimResult, Clock, OrderStore, PutIfAbsentResult, StatusChange, WorkflowClaim } from './ports.js';

/** Error names this step throws: the Step Functions errors to match in `Retry`/`Catch`. */
export const OrderStatusErrors = {
  /** A step event broke its schema (confirm/fail payloads). */
  InvalidInput: ErrorName.InvalidInput,
  /** The submitted order broke OrderRequestSchema; the message names every field. */
  InvalidOrder: ErrorName.InvalidOrder,
  /** The orderId exists with a different order. */
  OrderConflict: ErrorName.OrderConflict,
  /** confirm/fail of an order that does not exist. */
  OrderNotFound: ErrorName.OrderNotFound,
  /** Not PENDING -> CONFIRMED | FAILED (or FAILED again with another reason). */
  IllegalTransition: ErrorName.IllegalTransition,
} as const;
export type { ConfirmOrderInput, CreateOrderInput, FailOrderInput, OrderStatusInput } from './contract.js';
