/**
 * Global setup of `npm run test:chaos`: builds the Temporal server, its SQL tool and the Web UI before
 * any test starts (several minutes cold on 2 cores), so no test's or hook's timeout covers a build.
 */
import { ensureBinaries } from '../../src/cluster/binaries.js';

export default function buildClusterBinaries(): void {
  ensureBinaries((line) => console.log(`[chaos setup] ${line}`));
}
