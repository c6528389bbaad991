/** Every workflow the worker registers. */
export { broadcastRunWorkflow } from './broadcast-run.workflow';
