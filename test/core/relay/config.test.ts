import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';

describe('relay configuration', () => {
  it('has safe defaults', () => {
    const c = loadConfig({});
    expect(c.RBLBOT_ALLOW_PRIVATE).toBe(false);
    expect(c.RBLBOT_RELAY_CONNECT_TIMEOUT_MS).toBe(10_000);
    expect(c.RBLBOT_RELAY_TIMEOUT_MS).toBe(20_000);
    expect(c.RBLBOT_RELAY_PER_USER).toBe(3);
    expect(c.RBLBOT_RELAY_EXTERNAL_DOMAIN).toBeUndefined();
  });

  it('reads the values and explains bad ones', () => {
    const c = loadConfig({ RBLBOT_ALLOW_PRIVATE: '1', RBLBOT_RELAY_TIMEOUT_MS: '5000', RBLBOT_RELAY_EXTERNAL_DOMAIN: 'Relay-Check.Example.NET.' });
    expect(c.RBLBOT_ALLOW_PRIVATE).toBe(true);
    expect(c.RBLBOT_RELAY_TIMEOUT_MS).toBe(5000);
    expect(c.RBLBOT_RELAY_EXTERNAL_DOMAIN).toBe('relay-check.example.net');
    expect(() => loadConfig({ RBLBOT_RELAY_EXTERNAL_DOMAIN: 'not a domain' })).toThrow(ConfigError);
    expect(() => loadConfig({ RBLBOT_RELAY_PER_USER: '0' })).toThrow(/RBLBOT_RELAY_PER_USER must be a whole number/);
  });
});
