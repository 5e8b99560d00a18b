/** Every workflow the worker runs; the bundle's entry point. */
export { orderWorkflow } from './order/workflow.js';
export { productSyncWorkflow } from './product/workflow.js';
export { catalogSyncWorkflow } from './catalog/workflow.js';
export { stockPushWorkflow } from './stock/push-workflow.js';
export { stockReconcileWorkflow } from './stock/reconcile-workflow.js';
export { orderReconcileWorkflow } from './order-reconcile/workflow.js';
export { deliveryRetentionWorkflow } from './delivery-retention/workflow.js';
export { installWorkflow } from './install/workflow.js';
