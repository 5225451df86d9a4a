import { FaultConfigError, FaultInjector, type FaultConfig } from './injector.js';

/**
 * Checks what can be checked without the functions (rates, operations, the proxy), so a bad
 * `faults` option fails before Java starts; function keys are resolved when the faults are set.
 *
 * @throws FaultConfigError
 */
export function validateFaults(faults: FaultConfig, hasProxy: boolean): void {
  if (faults.dynamodb && !hasProxy) {
    throw new FaultConfigError('faults.dynamodb needs the DynamoDB fault proxy: start the runtime without dynamodbFaultProxy: false');
  }
  void new FaultInjector(faults);
}
