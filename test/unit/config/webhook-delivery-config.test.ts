import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

describe('webhook delivery settings', () => {
  it('default to 10 dispatch attempts, 7 days of whole bodies and 90 days of rows', () => {
    expect(loadConfig({}).webhookDeliveries).toEqual({ maxDispatchAttempts: 10, bodyRetentionDays: 7, retentionDays: 90 });
  });

  it('read the variables, and refuse bad values naming the variable', () => {
    expect(loadConfig({ WEBHOOK_DISPATCH_MAX_ATTEMPTS: '3', WEBHOOK_BODY_RETENTION_DAYS: '0', WEBHOOK_DELIVERY_RETENTION_DAYS: '30' }).webhookDeliveries).toEqual({
      maxDispatchAttempts: 3,
      bodyRetentionDays: 0,
      retentionDays: 30,
    });
    expect(() => loadConfig({ WEBHOOK_DISPATCH_MAX_ATTEMPTS: '0' })).toThrow(/WEBHOOK_DISPATCH_MAX_ATTEMPTS: must be at least 1/);
    expect(() => loadConfig({ WEBHOOK_DELIVERY_RETENTION_DAYS: 'forever' })).toThrow(ConfigError);
  });

  it('say whether PUBLIC_URL was set or only guessed from PORT', () => {
    expect(loadConfig({ PORT: '3600' })).toMatchObject({ publicUrl: 'http://localhost:3600', publicUrlSet: false });
    expect(loadConfig({ PUBLIC_URL: 'https://relbase-sync.example.cl/' })).toMatchObject({ publicUrl: 'https://relbase-sync.example.cl', publicUrlSet: true });
  });
});
