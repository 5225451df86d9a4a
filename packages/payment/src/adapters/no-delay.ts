import type { Delay } from '../ports.js';

/** The production {@link Delay} of the DynamoDB adapters: none. */
export const noDelay: Delay = () => Promise.resolve();
