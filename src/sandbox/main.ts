/** `npm run sandbox`: only the two simulators, with the demo catalogue, printing how to point the service at them. */
import { ConfigError, loadConfig } from '../config.js';
import { createProcessLogger } from '../observability/logger.js';
import { onShutdownSignal } from '../runtime/shutdown.js';
import { startSandbox } from './demo.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createProcessLogger(config.logLevel, config.logFormat);
  const sandbox = await startSandbox(config, logger);
  const s = sandbox.store;
  process.stdout.write(
    [
      '',
      'Simulators running (sandbox credentials, not secrets):',
      ...sandbox.banner,
      '',
      'Point the service at them with:',
      `  JUMPSELLER_API_URL=${sandbox.apiUrls.jumpseller} JUMPSELLER_STORE_CODE=${s.code} JUMPSELLER_LOGIN=${s.login} \\`,
      `  JUMPSELLER_AUTH_TOKEN=${s.authToken} JUMPSELLER_HOOKS_TOKEN=${s.hooksToken} \\`,
      `  RELBASE_API_URL=${sandbox.apiUrls.relbase} RELBASE_USER_TOKEN=${s.relbaseUserToken} RELBASE_COMPANY_TOKEN=${s.relbaseCompanyToken} \\`,
      `  RELBASE_WAREHOUSE_ID=${s.relbaseWarehouseId} npm start`,
      '',
    ].join('\n') + '\n',
  );
  onShutdownSignal(logger, () => sandbox.stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `sandbox failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
