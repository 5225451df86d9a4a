import { readFileSync } from 'node:fs';
import type { OrderRequest } from '@order-flow/contracts';
import type { ConfirmOrderInput, FailOrderInput } from '../../src/contract.js';

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../events/${name}`, import.meta.url), 'utf8')) as T;
}

/** A fresh copy of a fixture each call, so tests can change it freely. */
export const fixtures = {
  orderRequest: (): OrderRequest => load('order-request.json'),
  confirm: (): ConfirmOrderInput => load('confirm.json'),
  failOutOfStock: (): FailOrderInput => load('fail-out-of-stock.json'),
};
