/** Bundles the workflow code into a file: `bundle-workflows-cli <workflows entry> <output file>` (run by the worker). */
import { writeFileSync } from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';

const [workflowsPath, outPath] = process.argv.slice(2);
if (!workflowsPath || !outPath) {
  console.error('usage: bundle-workflows-cli <workflows entry> <output file>');
  process.exit(2);
}
const silent = () => undefined;
const { code } = await bundleWorkflowCode({
  workflowsPath,
  logger: { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: (m: string) => console.error(m) },
});
writeFileSync(outPath, code);
