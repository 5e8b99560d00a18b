/**
 * Once per test run: the workflow bundle, one real Temporal dev server (the CLI built by `npm install`) and one fresh
 * PostgreSQL database on the real server at TEST_DATABASE_URL (default 127.0.0.1:5432), migrated.
 * Where no PostgreSQL answers (a laptop), an embedded PGlite stands in, with a printed notice;
 * CI always has the real one (.ci/run makes sure it is up, and CI=true makes it required).
 */
import type { TestProject } from 'vitest/node';
import { writeWorkflowBundle } from '../support/bundle-file.js';
import { startEnvironmentFromProcess } from '../support/environment.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    /** True when the embedded PGlite stands in for PostgreSQL (one connection at a time). */
    embeddedDatabase: boolean;
  }
}

export default async function setup(project: TestProject) {
  const [env, bundle] = await Promise.all([startEnvironmentFromProcess(Boolean(process.env.CI)), writeWorkflowBundle()]);
  project.provide('temporalAddress', env.temporalAddress);
  project.provide('databaseUrl', env.databaseUrl);
  project.provide('embeddedDatabase', env.embeddedDatabase);
  project.provide('workflowBundlePath', bundle.path);
  return async () => {
    bundle.remove();
    await env.stop();
  };
}
