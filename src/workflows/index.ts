/** Every workflow the worker registers. */
export { broadcastRunWorkflow } from './broadcast-run.workflow';
export { broadcastDryRunWorkflow } from './broadcast-dry-run.workflow';
