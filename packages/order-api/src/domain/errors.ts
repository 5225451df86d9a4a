import { ErrorName } from '@order-flow/contracts';

/**
 * The `error` field of every error body the Order API returns. Stable: clients branch on them.
 */
export const OrderApiErrors = {
  /** 415: the body is not `application/json`. */
  UnsupportedMediaType: 'UnsupportedMediaType',
  /** 413: the body is larger than 64 KiB. */
  PayloadTooLarge: 'PayloadTooLarge',
  /** 400: the body is not valid JSON. */
  InvalidJson: 'InvalidJson',
  /** 400: the order breaks the order schema; `issues` names every field and rule. */
  InvalidOrder: ErrorName.InvalidOrder,
  /** 400: a path parameter is malformed; `issues` names it. */
  InvalidRequest: 'InvalidRequest',
  /** 404: no order with this id. */
  OrderNotFound: ErrorName.OrderNotFound,
  /** 409: the orderId was submitted before with a different order. */
  OrderConflict: ErrorName.OrderConflict,
  /** 404: no such route. */
  NotFound: 'NotFound',
  /** 503: the order is recorded but its workflow could not be started; retry the same request. */
  WorkflowUnavailable: 'WorkflowUnavailable',
  /** 500: anything unexpected; the detail is only in the function's log. */
  InternalError: 'InternalError',
} as const;
/** One of {@link OrderApiErrors}. */
export type OrderApiError = (typeof OrderApiErrors)[keyof typeof OrderApiErrors];

/**
 * StartExecution failed for a reason other than "already started" (throttling, an outage, a
 * missing permission). The order record stays PENDING, so a client retry can start it.
 */
export class WorkflowUnavailableError extends Error {
  override readonly name = OrderApiErrors.WorkflowUnavailable;
  constructor(
    readonly orderId: string,
    options?: ErrorOptions,
  ) {
    super(`The workflow of order ${orderId} could not be started`, options);
  }
}
