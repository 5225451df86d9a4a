/** SSM Parameter Store, as far as CloudFormation uses it: published parameters and deploy-time reads. */
export { LocalParameterStore, ParameterNotFoundError } from './parameter-store.js';
export type { LocalParameter, ParameterPublisher } from './parameter-store.js';
