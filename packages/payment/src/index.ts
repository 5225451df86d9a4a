/**
 * @order-flow/payment: the payment step of Order Flow. Public API = the CDK construct, the port
 * types a real gateway implements, and the step's error classes. Handler and adapter code is
 * deliberately not exported here, so aws-cdk-lib never lands in a Lambda bundle.
 */
export * from './construct.js';
export { PAYMENT_TABLE_NAME_ENV, SIMULATED_GATEWAY_OUTAGES_ENV } from './env.js';
export { PaymentDeclined, PaymentGatewayUnavailable, PaymentIdempotencyConflict, PaymentVoided } from './domain/errors.js';
export { DeclineCode, PaymentStatus, type ChargeInput, type ChargeResult, type PaymentInput, type RefundInput, type RefundResult } from './contract.js';
/** The ports: what a real gateway (and a store) implements. */
export type * from './ports.js';
