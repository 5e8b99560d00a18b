#!/usr/bin/env node
// Makes sure a Temporal CLI (the dev server with its Web UI) is available offline.
// Order of preference, printed so nobody has to guess which one runs:
//   1. TEMPORAL_CLI_PATH, when set and present;
//   2. .tools/bin/temporal, already built;
//   3. a fresh build from the Go module proxy, when Go is installed (about 3 min cold, 7 s warm);
//   4. a `temporal` on PATH;
//   5. nothing: the SDK downloads the CLI itself at run time (needs internet).
// Then the server the workflow tests run on (tools/workflow-test-server: a Temporal 1.32 dev server
// that skips time), built from the Go module proxy into .tools/bin/workflow-test-server when missing.
// Plain Node on purpose: it runs from `npm install` before TypeScript tooling is usable.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsBin = join(root, '.tools', 'bin');
const built = join(toolsBin, 'temporal');
const testServerSource = join(root, 'tools', 'workflow-test-server');
const testServer = join(toolsBin, 'workflow-test-server');

function onPath(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function log(msg) {
  process.stdout.write(`[setup-temporal-cli] ${msg}\n`);
}

function buildWorkflowTestServer() {
  if (process.env.WORKFLOW_TEST_SERVER_PATH) {
    log(`workflow tests: using WORKFLOW_TEST_SERVER_PATH=${process.env.WORKFLOW_TEST_SERVER_PATH}`);
    return;
  }
  if (existsSync(testServer)) {
    log(`workflow tests: using ${testServer} (already built)`);
    return;
  }
  const go = onPath('go');
  if (!go) {
    log('workflow tests: Go is not installed, so the time-skipping server they need is not built (npm test needs it).');
    return;
  }
  log(`workflow tests: building the time-skipping Temporal server from ${testServerSource} into .tools/bin.`);
  log('A cold build takes several minutes on 2 cores (seconds with warm Go caches); it has not hung.');
  mkdirSync(toolsBin, { recursive: true });
  const started = Date.now();
  execFileSync(go, ['build', '-trimpath', '-ldflags', '-s -w', '-o', testServer, '.'], {
    cwd: testServerSource,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  log(`built ${testServer} in ${Math.round((Date.now() - started) / 1000)} s`);
}

function main() {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv && existsSync(fromEnv)) {
    log(`using TEMPORAL_CLI_PATH=${fromEnv}`);
    return;
  }
  if (existsSync(built)) {
    log(`using ${built} (already built)`);
    return;
  }
  const go = onPath('go');
  if (go) {
    log(`building the Temporal CLI from ${CLI_MODULE} into .tools/bin.`);
    log('A cold build takes about 3 minutes on 2 cores (7 s with warm Go caches); it has not hung.');
    mkdirSync(toolsBin, { recursive: true });
    const started = Date.now();
    execFileSync(go, ['install', '-trimpath', '-ldflags', '-s -w', CLI_MODULE], {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: toolsBin, CGO_ENABLED: '0' },
    });
    log(`built ${built} in ${Math.round((Date.now() - started) / 1000)} s`);
    return;
  }
  const system = onPath('temporal');
  if (system) {
    log(`Go is not installed; using the temporal on PATH: ${system}`);
    return;
  }
  log('Go is not installed and no temporal CLI was found: the Temporal SDK will download the CLI at run time (needs internet).');
}

main();
buildWorkflowTestServer();
