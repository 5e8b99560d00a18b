/**
 * Graceful shutdown on SIGINT/SIGTERM: run the cleanup once, then exit 0. A second signal forces the
 * exit, unless it comes within a moment of the first: Ctrl-C reaches this process both from the
 * terminal (the whole process group) and relayed by the `tsx`/`npm` wrappers, and that echo must not
 * cut the worker's drain short.
 */
import type { Logger } from '../observability/logger.js';

const ECHO_WINDOW_MS = 2000;

export function onShutdownSignal(logger: Logger, cleanup: () => Promise<void>): void {
  let firstSignalAt: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (firstSignalAt !== undefined) {
      if (Date.now() - firstSignalAt < ECHO_WINDOW_MS) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    logger.info({ signal }, 'shutting down: no new requests, draining the worker');
    cleanup()
      .then(() => {
        logger.info('stopped cleanly');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
