import {
  ErrorName,
  OrderRequestSchema,
  OrderStatus,
  IdSchema,
  newOrderId,
  parseOrThrow,
  type FailureReason,
  type OrderRecord,
} from '@order-flow/contracts';
import { IllegalTransitionError, OrderConflictError, OrderNotFoundError } from './domain/errors.js';
import { derivedOrderId, type OrderIdSource } from './domain/order-id.js';
import { isLegalTransition, legalSources } from './domain/transitions.js';
import {
  confirmedEntry,
  failedEntry,
  newOrderRecord,
  orderDifferences,
  type CaughtError,
  type Confirmation,
} from './domain/order.js';
import { systemClock, type ClaimResult, type Clock, type OrderStore, type StatusChange } from './ports.js';

/**
 * A conditional write that fails and a read that then still shows PENDING cannot happen with a
 * strongly consistent store; the bound keeps a misbehaving store from looping forever.
 */
const MAX_WRITE_ATTEMPTS = 3;

/**
 * How long a workflow-start claim holds before another request may take it over: longer than
 * any one API invocation lives (the Order API function's timeout is 10 s), so a live claimant is
 * never overtaken, and short enough that a client retrying after a crash gets its order started.
 */
export const WORKFLOW_CLAIM_LEASE_MS = 30_000;

/**
 * The order-status use cases: create, confirm, fail, get. Every change is a conditional write
 * (legal transitions only) and appends one history entry; a repeat of a change already made
 * returns the stored record without writing, so Step Functions and Lambda retries are harmless.
 */
export class OrderService {
  constructor(
    private readonly store: OrderStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Validates a submitted order and stores it as PENDING.
   *
   * An order without an `orderId` gets one:
   * - with an {@link OrderIdSource} (what the create task sends: execution, state, Map item), the
   *   id derived from it ({@link derivedOrderId}): a retried create derives the same id and finds
   *   the order it made, two creates in one execution (two states, or two Map items) derive two;
   * - with only a string (the legacy `executionName` payload of a state machine deployed before
   *   the create task sent a source), that string if it is a valid id, as before;
   * - otherwise (a direct call, e.g. the Order API) a new `newOrderId()`: such a caller must give
   *   the order its id itself if it retries.
   * @param idSource where the create runs, for an order without an `orderId`
   * @throws ValidationError `InvalidOrder` naming every bad field (nothing is written)
   * @throws OrderConflictError when the orderId exists with a different order
   */
  async create(input: unknown, causedBy: string, idSource?: OrderIdSource | string): Promise<OrderRecord> {
    const request = parseOrThrow(OrderRequestSchema, input, ErrorName.InvalidOrder);
    const now = this.clock.now();
    const order = { ...request, orderId: request.orderId ?? stableOrderId(idSource) ?? newOrderId(now.getTime()) };
    const record = newOrderRecord(order, now.toISOString(), causedBy);
    const result = await this.store.putIfAbsent(record);
    if (result.created) return record;
    const differences = orderDifferences(result.existing, order);
    if (differences.length > 0) throw new OrderConflictError(order.orderId, differences);
    return result.existing;
  }

  /**
   * PENDING -> CONFIRMED with the priced lines, total and payment id.
   * @throws OrderNotFoundError, IllegalTransitionError (e.g. FAILED -> CONFIRMED)
   */
  async confirm(orderId: string, confirmation: Confirmation, causedBy: string): Promise<OrderRecord> {
    const at = this.clock.now().toISOString();
    const change: StatusChange = {
      status: OrderStatus.CONFIRMED,
      updatedAt: at,
      entry: confirmedEntry(at, causedBy),
      lines: confirmation.lines,
      total: confirmation.total,
      paymentId: confirmation.paymentId,
    };
    return this.apply(orderId, change, (current) => current.status === OrderStatus.CONFIRMED);
  }

  /**
   * PENDING -> FAILED with a reason; the caught error (if any) goes into the history entry.
   * @throws OrderNotFoundError, IllegalTransitionError (CONFIRMED -> FAILED, or FAILED with another reason)
   */
  async fail(orderId: string, reason: FailureReason, causedBy: string, error?: CaughtError): Promise<OrderRecord> {
    const at = this.clock.now().toISOString();
    const change: StatusChange = {
      status: OrderStatus.FAILED,
      updatedAt: at,
      entry: failedEntry(at, causedBy, reason, error),
      reason,
    };
    return this.apply(
      orderId,
      change,
      (current) => current.status === OrderStatus.FAILED && current.reason === reason,
    );
  }

  /** The order record, or `undefined` when there is none. */
  async get(orderId: string): Promise<OrderRecord | undefined> {
    return this.store.get(orderId);
  }

  /**
   * Claims the start of a PENDING order's workflow execution for `token`. Of any number of
   * requests for one order, racing or retried, one gets the claim; the others learn the started
   * execution or that a start is under way. This is the API's duplicate guard: it holds for
   * Express workflows, whose StartExecution starts a new execution on every call.
   *
   * The claimant then calls {@link recordWorkflowStarted} or, when the start failed,
   * {@link releaseWorkflowClaim}. A claimant that dies in between loses the claim after
   * {@link WORKFLOW_CLAIM_LEASE_MS}.
   */
  async claimWorkflowStart(orderId: string, token: string, leaseMs: number = WORKFLOW_CLAIM_LEASE_MS): Promise<ClaimResult> {
    const now = this.clock.now();
    return this.store.claimWorkflowStart(orderId, { token, at: now.toISOString() }, new Date(now.getTime() - leaseMs).toISOString());
  }

  /**
   * Records the execution `token`'s claim started.
   * @returns false when the claim had gone stale and was taken over (the execution started anyway)
   */
  async recordWorkflowStarted(orderId: string, token: string, executionArn: string): Promise<boolean> {
    return this.store.recordWorkflowStarted(orderId, token, executionArn);
  }

  /** Gives up `token`'s claim after a failed start, so the client's retry can start the workflow. */
  async releaseWorkflowClaim(orderId: string, token: string): Promise<void> {
    return this.store.releaseWorkflowClaim(orderId, token);
  }

  /**
   * Writes `change` on condition that the stored status is one it may legally come from
   * (LEGAL_TRANSITIONS): the table enforces the rule atomically, so two writers racing
   * (the workflow confirming, the reconciler failing) cannot both win.
   */
  private async apply(
    orderId: string,
    change: StatusChange,
    isRepeat: (current: OrderRecord) => boolean,
  ): Promise<OrderRecord> {
    const from = legalSources(change.status);
    for (let attempt = 1; ; attempt++) {
      const updated = await this.store.transition(orderId, from, change);
      if (updated) return updated;
      // The write was refused: find out why, from the store rather than from an earlier read.
      const current = await this.store.get(orderId);
      if (!current) throw new OrderNotFoundError(orderId);
      if (isRepeat(current)) return current;
      if (!isLegalTransition(current.status, change.status) || attempt >= MAX_WRITE_ATTEMPTS) {
        throw new IllegalTransitionError(orderId, current.status, change.status, {
          current: current.reason,
          requested: change.reason,
        });
      }
    }
  }
}

/** The id an order without one gets from where it was created, or `undefined` if none is stable. */
function stableOrderId(idSource: OrderIdSource | string | undefined): string | undefined {
  if (idSource === undefined) return undefined;
  if (typeof idSource !== 'string') return derivedOrderId(idSource);
  return IdSchema.safeParse(idSource).success ? idSource : undefined;
}
