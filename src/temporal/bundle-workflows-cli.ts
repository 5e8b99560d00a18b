/** Bundles the workflow code into a file: `bundle-workflows-cli <workflows entry> <output file>` (run by the worker). */
import { writeFileSync } from 'node:fs';
import { bundleWorkflows } from './bundle-workflows.js';

const [workflowsPath, outPath] = process.argv.slice(2);
if (!workflowsPath || !outPath) {
  console.error('usage: bundle-workflows-cli <workflows entry> <output file>');
  process.exit(2);
}
const { code } = await bundleWorkflows(workflowsPath);
writeFileSync(outPath, code);
