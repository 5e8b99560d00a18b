/** relBase's cities and comunas (ASSUMED answer shape): the client keeps the ones named as asked, page by page, against the simulator. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelbaseClient, type RelbaseClient } from '../../../src/relbase/client.js';
import { samePlaceName } from '../../../src/relbase/matching.js';
import { startRelbaseSimulator, type RunningRelbaseSimulator } from '../../../src/sandbox/relbase/simulator.js';

let rb: RunningRelbaseSimulator;
let client: RelbaseClient;

beforeAll(async () => {
  rb = await startRelbaseSimulator({ port: 0, rateLimit: false });
  client = createRelbaseClient({ baseUrl: rb.apiUrl, userToken: rb.simulator.userToken, companyToken: rb.simulator.companyToken });
});
afterAll(async () => {
  await rb.close();
});

describe('place names', () => {
  it('match without regard to accents, case, punctuation or spacing, and never on a blank', () => {
    expect(samePlaceName('Ñuñoa', 'NUNOA')).toBe(true);
    expect(samePlaceName('Viña del Mar', ' viña  del mar ')).toBe(true);
    expect(samePlaceName('Santiago', 'Santiago Centro')).toBe(false);
    expect(samePlaceName('Santiago', '  ')).toBe(false);
  });
});

describe('findCitiesPage / findCommunesPage', () => {
  it('walk the pages and keep the exact matches only', async () => {
    const first = await client.findCitiesPage('santiago', 1);
    expect(first).toEqual({ matches: [], nextPage: 2 });
    const second = await client.findCitiesPage('santiago', 2);
    expect(second.matches.map((c) => c.name)).toEqual(['Santiago']);
    const cityId = second.matches[0]!.id;
    const found: string[] = [];
    for (let page: number | null = 1; page !== null; ) {
      const result: Awaited<ReturnType<RelbaseClient['findCommunesPage']>> = await client.findCommunesPage(cityId, 'nunoa', page);
      found.push(...result.matches.map((c) => c.name));
      page = result.nextPage;
    }
    expect(found).toEqual(['Ñuñoa']);
  });
});
