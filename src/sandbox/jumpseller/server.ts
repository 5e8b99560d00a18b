/** Serves a Jumpseller simulator over real HTTP (port 0 picks a free one). */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createJumpsellerSimulator } from './simulator.js';
import type { JumpsellerSimulator, JumpsellerSimulatorOptions } from './simulator.js';

export interface RunningJumpsellerSimulator {
  /** Root URL; the REST API is at `${url}/v1`, OAuth at `${url}/oauth`. */
  url: string;
  apiUrl: string;
  sim: JumpsellerSimulator;
  close(): Promise<void>;
}

export async function startJumpsellerSimulator(opts: JumpsellerSimulatorOptions & { port?: number; hostname?: string } = {}): Promise<RunningJumpsellerSimulator> {
  const { port = 0, hostname = '127.0.0.1', ...simOptions } = opts;
  const sim = createJumpsellerSimulator(simOptions);
  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
    const s = serve({ fetch: sim.app.fetch, port, hostname }, (info) => resolve({ server: s as Server, address: info }));
    s.once('error', reject);
  });
  const url = `http://${hostname}:${address.port}`;
  if (!simOptions.publicUrl) sim.setPublicUrl(url);
  return {
    url,
    apiUrl: `${url}/v1`,
    sim,
    close: () =>
      new Promise<void>((resolve, reject) => {
        sim.stop();
        server.closeAllConnections(); // requests held by an injected hang must not block shutdown
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
