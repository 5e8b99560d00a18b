/**
 * The codec endpoint `npm start` gives its embedded Web UI. The dev server's UI can be told only an
 * endpoint URL (`--ui-codec-endpoint`), not to send credentials, so the URL itself is the credential:
 * `/codec/dev/<token>` with a random token made for this run, known to the UI (bound to 127.0.0.1)
 * and to this process only. A deployed Web UI signs in instead (src/api/codec/routes.ts).
 */
import { randomBytes } from 'node:crypto';

export interface DevCodecEndpoint {
  pathToken: string;
  /** What the browser showing the embedded UI calls. */
  url: string;
}

export function devCodecEndpoint(apiPort: number): DevCodecEndpoint {
  const pathToken = randomBytes(24).toString('base64url');
  return { pathToken, url: `http://localhost:${apiPort}/codec/dev/${pathToken}` };
}
