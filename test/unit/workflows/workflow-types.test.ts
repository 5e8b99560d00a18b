/**
 * Callers start workflows by type name (src/workflows/workflow-types.ts); the worker registers the
 * exports of the bundle's entry. Each name must be an exported workflow function and each export
 * must have a name, or a start would sit in the queue with "workflow type not found".
 */
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WORKFLOWS_PATH } from '../../../src/temporal/bundle-workflows.js';
import { WORKFLOW_TYPES } from '../../../src/workflows/workflow-types.js';

describe('workflow-type constants', () => {
  it('name exactly the workflow functions exported by the bundle entry', async () => {
    const entry = (await import(pathToFileURL(WORKFLOWS_PATH).href)) as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual([...WORKFLOW_TYPES].sort());
    for (const type of WORKFLOW_TYPES) {
      expect(typeof entry[type], type).toBe('function');
      // The registered type is the export's name; the function's own name should agree with it.
      expect((entry[type] as { name: string }).name).toBe(type);
    }
  });

  it('has no name twice', () => {
    expect(new Set(WORKFLOW_TYPES).size).toBe(WORKFLOW_TYPES.length);
  });
});
