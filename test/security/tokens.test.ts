/**
 * Admin and stock-notice token misuse refused at start: the `.env.example` placeholder, well-known
 * placeholders, weak tokens, a placeholder hashed into ADMIN_TOKENS, malformed or shared entries.
 * Every refusal names the variable and never echoes the value.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { sha256 } from '../../src/security/token-strength.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const value of Object.values(env)) if (value.length >= 8) expect(err.message).not.toContain(value);
      return err.problems;
    }
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const exampleToken = /^ADMIN_TOKEN=(.*)$/m.exec(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'))?.[1];
const generated = 'Vq3xK8pL2mN7rT4wY9zB6cD1fG5hJ0sA';
const hex = (t: string) => sha256(t).toString('hex');

describe('tokens refused at start', () => {
  it('the placeholder shipped in .env.example', () => {
    expect(exampleToken).toBeTruthy();
    expect(problemsOf({ ADMIN_TOKEN: exampleToken! })).toEqual([expect.stringMatching(/^ADMIN_TOKEN: is a placeholder/)]);
  });

  it.each([
    ['changeme', 'changeme-changeme-123'],
    ['a password', 'P@ssw0rd-of-the-shop-2026'],
    ['"secret"', 'my-super-secret-admin-key'],
    ['repeated characters', 'xxxxxxxxxxxxxxxxxxxxxxxx'],
    ['a repeated pattern', 'abc123abc123abc123abc123'],
    ['the alphabet', 'abcdefghijklmnopqrstuvwx'],
    ['a keyboard row', 'qwertyuiopasdfghjklzxcvb'],
    ['digits counting up', '01234567890123456789'],
    ['too few different characters', 'aaaabbbbaaaabbbbaaaabbbbX'],
    ['too short', 'Zx9!kQ2#'],
  ])('ADMIN_TOKEN: %s', (_, token) => {
    expect(problemsOf({ ADMIN_TOKEN: token })).toEqual([expect.stringMatching(/^ADMIN_TOKEN: /)]);
  });

  it('the same rules for STOCK_NOTICES_TOKEN, given in clear or as a digest of a placeholder', () => {
    expect(problemsOf({ STOCK_NOTICES_TOKEN: 'changeme' })).toEqual([expect.stringMatching(/^STOCK_NOTICES_TOKEN: /)]);
    expect(problemsOf({ STOCK_NOTICES_TOKEN: `sha256:${hex('change-me-to-a-long-random-string')}` })).toEqual([
      expect.stringMatching(/^STOCK_NOTICES_TOKEN: is the digest of a placeholder/),
    ]);
  });

  it('ADMIN_TOKENS entries in clear, malformed, hashing a placeholder, or repeating a name', () => {
    expect(problemsOf({ ADMIN_TOKENS: `alice:${generated}` })).toEqual([expect.stringMatching(/^ADMIN_TOKENS: entry 1 \(alice\) must be name:sha256:/)]);
    expect(problemsOf({ ADMIN_TOKENS: `sha256:${hex(generated)}` })).toEqual([expect.stringMatching(/^ADMIN_TOKENS: entry 1 must start with the operator's name/)]);
    expect(problemsOf({ ADMIN_TOKENS: `alice:sha256:${hex('changeme')}` })).toEqual([expect.stringMatching(/^ADMIN_TOKENS: entry 1 \(alice\) is the digest of a placeholder/)]);
    expect(problemsOf({ ADMIN_TOKENS: `alice:sha256:${hex(generated)},alice:sha256:${hex(`${generated}2`)}` })).toEqual([
      expect.stringMatching(/^ADMIN_TOKENS: entry 2 \(alice\) repeats a name/),
    ]);
    expect(problemsOf({ ADMIN_TOKEN: generated, ADMIN_TOKENS: `admin:sha256:${hex(`${generated}2`)}` })).toEqual([
      expect.stringMatching(/repeats a name \(ADMIN_TOKEN is the operator "admin"\)/),
    ]);
  });

  it('one token for two holders: the stock-notice token equal to an operator token', () => {
    expect(problemsOf({ ADMIN_TOKEN: generated, STOCK_NOTICES_TOKEN: generated })).toEqual([expect.stringMatching(/^STOCK_NOTICES_TOKEN: .*same as admin's/)]);
    expect(problemsOf({ ADMIN_TOKENS: `bob:sha256:${hex(generated)}`, STOCK_NOTICES_TOKEN: `sha256:${hex(generated)}` })).toEqual([expect.stringMatching(/same as bob's/)]);
  });

  it('accepts generated tokens, each holder by name', () => {
    const c = loadConfig({ ADMIN_TOKEN: generated, ADMIN_TOKENS: `alice:sha256:${hex('Hq2wE8rT5yU1iO7pA4sD')}`, STOCK_NOTICES_TOKEN: 'Mn4bV7cX1zL9kJ3hG6fD' });
    expect(c.apiTokens.admin.map((t) => t.name)).toEqual(['admin', 'alice']);
    expect(c.apiTokens.stockNotices?.name).toBe('stock-notices');
    expect(c.opsToken).toBe(generated);
  });
});
