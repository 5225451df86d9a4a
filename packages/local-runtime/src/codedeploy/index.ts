/** CodeDeploy for Lambda, locally: an alias shifted to a new version by its deployment group's configuration, stopped and rolled back by its alarms. */
export { startDeployment, trafficRoutingOf, trafficSteps } from './deployment.js';
export type { DeploymentChange, DeploymentOverrides, DeploymentResult, DeploymentTarget, LocalDeployment, TrafficRouting } from './deployment.js';
