/**
 * The failure converter of every client and worker, and of the workflow bundle: failure messages and
 * stack traces go into `encodedAttributes`, a payload, so the payload codec encrypts them like any
 * other payload (a message can quote a RUT or an address). Loaded by path (`failureConverterPath`):
 * the workflow bundle includes it, and the worker `require`s it for activity failures. It imports only
 * `@temporalio/common`, so it is safe in the workflow sandbox, and it holds no TypeScript-only syntax,
 * so Node requires it as it is wherever no TypeScript loader runs (the test runner's workers).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
