/**
 * The explicit allowance that lets product images come from the Jumpseller simulator, which serves
 * them from 127.0.0.1: its exact `host:port` joins the allowed hosts and may resolve to a loopback
 * address. Only what runs the sandbox (`npm start` without a real store, the tests) builds this;
 * production's policy is IMAGE_HOSTS alone, with every private address refused.
 */
import type { OutboundPolicy } from '../http/guarded-get.js';

export function sandboxImageSources(imageHosts: readonly string[], simulatorUrl: string): OutboundPolicy {
  const u = new URL(simulatorUrl);
  const origin = `${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  return { allowedHosts: [...imageHosts, origin], privateOriginsAllowed: [origin] };
}
