/** Every workflow the worker runs; the bundle's entry point. */
export { orderWorkflow } from './order/workflow.js';
export { productSyncWorkflow } from './product/workflow.js';
export { catalogSyncWorkflow } from './catalog/workflow.js';
