/**
 * `npm run cluster -- --workers N`: the production topology on this machine (Temporal on
 * PostgreSQL, its Web UI, the API and N workers), until Ctrl-C or SIGTERM stops it all.
 * See src/cluster/ for each part and docs/production.md for the variables.
 */
import { startCluster } from '../src/cluster/cluster.js';
import { ClusterOptionsError, parseClusterOptions, USAGE } from '../src/cluster/options.js';
import { createLogger } from '../src/observability/logger.js';
import { onShutdownSignal } from '../src/runtime/shutdown.js';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const options = parseClusterOptions(argv, process.env);
  const started = Date.now();
  const cluster = await startCluster(options);
  onShutdownSignal(createLogger('warn'), async () => {
    process.stdout.write('[cluster] stopping: workers drain first, then the API, the Web UI and Temporal\n');
    await cluster.stop();
    process.stdout.write('[cluster] stopped; no process left behind\n');
  });
  const o = cluster.options;
  process.stdout.write(
    [
      '',
      `Cluster ready in ${Math.round((Date.now() - started) / 1000)} s:`,
      `  Temporal Web UI      ${cluster.urls.webUi}/namespaces/${o.namespace}/workflows`,
      `  decoded payloads     sign in with ADMIN_TOKEN at ${cluster.urls.api}/codec/session, then reload the Web UI`,
      `  API                  ${cluster.urls.api}   (/healthz, /readyz, /metrics, POST /webhooks/jumpseller)`,
      `  Temporal frontend    ${cluster.urls.temporal}   (TEMPORAL_ADDRESS for more workers: npm run worker)`,
      `  Temporal HTTP API    http://127.0.0.1:${o.ports.frontendHttp}`,
      `  app database         ${o.databaseUrl.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`,
      `  processes            temporal ${cluster.temporal().pid}, web-ui ${cluster.ui().pid}, api ${cluster.api().pid}, ${cluster
        .workers()
        .map((w) => `${w.name} ${w.pid}`)
        .join(', ')}`,
      `  logs                 ${cluster.logDir}/`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof ClusterOptionsError ? err.message : `cluster failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
