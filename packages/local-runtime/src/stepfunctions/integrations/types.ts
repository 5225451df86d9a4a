/** The engine's Task integration contract, which every module here implements. */
export type { Clock, TaskIntegration, TaskRequest } from '@order-flow/step-functions';
