/** The single-store variables that point `npm run api` / `npm run worker` processes at a pair of simulators. */
import type { RunningJumpsellerSimulator } from '../../src/sandbox/jumpseller/server.js';
import type { RunningRelbaseSimulator } from '../../src/sandbox/relbase/simulator.js';

export function simulatorStoreEnv(storeCode: string, js: RunningJumpsellerSimulator, rb: RunningRelbaseSimulator, warehouseId: number): Record<string, string> {
  return {
    JUMPSELLER_API_URL: js.apiUrl,
    JUMPSELLER_STORE_CODE: storeCode,
    JUMPSELLER_LOGIN: js.sim.credentials.login,
    JUMPSELLER_AUTH_TOKEN: js.sim.credentials.authToken,
    JUMPSELLER_HOOKS_TOKEN: js.sim.hooksToken,
    RELBASE_API_URL: rb.apiUrl,
    RELBASE_USER_TOKEN: rb.simulator.userToken,
    RELBASE_COMPANY_TOKEN: rb.simulator.companyToken,
    RELBASE_WAREHOUSE_ID: String(warehouseId),
  };
}
