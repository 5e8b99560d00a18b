import type { RelbaseSimState } from './state.js';

/** What every simulator route reads: the live state (replaced on reset, so read through this object). */
export interface SimContext {
  state: RelbaseSimState;
  pageSizes: { products: number; documents: number; customers: number };
}
