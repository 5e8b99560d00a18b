import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as domain from '../../../src/domain/index.js';

// Workflow code imports src/domain, and Temporal replays workflows in a deterministic sandbox.
const DOMAIN_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../src/domain');
const files = readdirSync(DOMAIN_DIR).filter((name) => name.endsWith('.ts'));

describe('src/domain purity', () => {
  it('has files to check', () => {
    expect(files).toContain('index.ts');
  });

  it.each(files)('%s imports only sibling domain modules', (file) => {
    const source = readFileSync(join(DOMAIN_DIR, file), 'utf8');
    const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1]);
    for (const specifier of specifiers) expect(specifier, file).toMatch(/^\.\/[a-z-]+\.js$/);
    expect(source, file).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
  });

  it.each(files)('%s uses no clock, randomness or globals with I/O', (file) => {
    const source = readFileSync(join(DOMAIN_DIR, file), 'utf8');
    expect(source, file).not.toMatch(/\bDate\b|Math\.random|\bprocess\b|\bfetch\b|\bsetTimeout\b|\bcrypto\b|\bconsole\b/);
  });

  it('exports the public pieces from index', () => {
    for (const name of [
      'cleanRut',
      'computeRutDv',
      'parseRut',
      'formatRutWithDots',
      'roundHalfUp',
      'toClp',
      'isWholePesos',
      'allocateDiscount',
      'discountPercentFor',
      'relbaseLineAmount',
      'buildDocumentLines',
      'MAX_FACTURA_LINES',
      'maxLinesFor',
      'allowsLineCount',
      'BOLETA',
      'FACTURA',
      'NOTA_DE_VENTA',
      'readCheckoutFields',
      'parseDocumentTypeValue',
      'chooseDocument',
      'stockForShop',
      'checkSkus',
      'isSkuAcceptable',
      'isPaid',
      'isTerminalWithoutPayment',
      'DomainError',
      'maskRut',
      'siiLineAmount',
      'expressLine',
      'lineTaxStatus',
      'netForGross',
      'checkIssuedAmounts',
      'documentDateFor',
      'resolvePaymentTypeId',
      'giroForSii',
      'razonSocialForSii',
      'itemNameForSii',
      'truncateAtWord',
      'planDocument',
      'FOREIGN_GENERIC_RUT',
    ]) {
      expect(domain, name).toHaveProperty(name);
    }
  });
});
