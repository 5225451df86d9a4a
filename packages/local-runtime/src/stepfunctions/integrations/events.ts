/**
 * `arn:aws:states:::events:putEvents` (AWS Step Functions Developer Guide, "Call EventBridge
 * with Step Functions"), handed to the runtime's EventBridge emulation
 * (`LocalEventBridge.putEvents` fits {@link PublishEvents}).
 */
import type { PutEventsResponse } from '../../eventbridge/index.js';
import { singleActionParameters, taskError } from './shared.js';
import type { TaskIntegration, TaskRequest } from './types.js';

/** The Resource of the integration (partition `aws`; any partition is accepted). */
export const EVENTS_PUT_EVENTS_RESOURCE = 'arn:aws:states:::events:putEvents';

/**
 * Puts PutEvents entries on the local EventBridge and answers with the PutEvents response; a
 * request-level failure throws an Error named as the API error (`ValidationException`).
 * `(request) => bridge.putEvents(request)` with a `LocalEventBridge` fits.
 */
export type PublishEvents = (request: { readonly Entries: unknown }) => PutEventsResponse | Promise<PutEventsResponse>;

/**
 * The `events:putEvents` integration (localstack snapshot
 * `test_events_task_service.py::test_put_events_base`):
 *
 * - the state machine ARN and the execution ARN are appended to each entry's `Resources`, as
 *   the events delivered on AWS show;
 * - result `{Entries: [{EventId}], FailedEntryCount: 0}`, without SDK metadata;
 * - when any entry fails, the Task fails with `EventBridge.FailedEntry` and the PutEvents
 *   response as JSON Cause, while the accepted entries stay put (`test_put_events_malformed_detail`,
 *   `test_put_events_no_source`);
 * - a request-level error fails it with `EventBridge.<ApiError>` (not recorded in the
 *   snapshots; the name follows the optimized integrations' `<Service>.<Exception>` scheme).
 */
export function putEventsIntegration(publish: PublishEvents): TaskIntegration {
  return async (request) => {
    const entries = prepare(request);
    let response: PutEventsResponse;
    try {
      response = await request.clock.track(Promise.resolve().then(() => publish({ Entries: entries })));
    } catch (error) {
      if (error instanceof Error && error.name === 'ValidationException') throw taskError(`EventBridge.${error.name}`, error.message);
      throw error;
    }
    if (response.FailedEntryCount > 0) throw taskError('EventBridge.FailedEntry', JSON.stringify(response));
    return response;
  };
}

function prepare(request: TaskRequest): unknown {
  const entries = singleActionParameters(request, 'EventBridge', 'events:putEvents')['Entries'];
  if (!Array.isArray(entries)) return entries;
  const owners = [stateMachineArnOf(request.executionArn), request.executionArn];
  return entries.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return entry;
    const own = (entry as { Resources?: unknown }).Resources;
    return { ...entry, Resources: [...(Array.isArray(own) ? (own as unknown[]) : []), ...owners] };
  });
}

/**
 * The state machine ARN of a Standard (`:execution:<machine>:<name>`) or Express
 * (`:express:<machine>:<name>:<id>`) execution ARN.
 */
export function stateMachineArnOf(executionArn: string): string {
  return executionArn.replace(/:(?:execution|express):([^:]+):.*$/, ':stateMachine:$1');
}
