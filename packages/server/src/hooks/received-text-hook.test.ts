/**
 * The received-text callback's pure parts: the bearer token check (exact, case-sensitive token,
 * nothing else accepted), reading Notify's body (its exact shape, the `content` alias, and
 * every kind of wrong body named in the answer), and the token's setting. Over HTTP:
 * tests/e2e/web/monitoring-hook.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createTokenService } from '@kindred/access';
import { testBackends } from '@kindred/store/testing';
import { settingsOf } from '../http/app-config.ts';
import { bearerMatches, parseReceivedText } from './received-text-hook.ts';

const TOKEN = 'a-long-callback-token-0123456789';

describe('the bearer token', () => {
  it('accepts exactly the configured token', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
  });

  it('refuses a missing, empty, different, longer or shorter token, and other schemes', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN.toUpperCase()}`, `Basic ${TOKEN}`, TOKEN]) {
      expect(bearerMatches(header, TOKEN), String(header)).toBe(false);
    }
  });
});

describe('Notify’s received text message', () => {
  // the body Notify posts (notifications-api, send_inbound_sms_to_service)
  const notify = { id: '6e4b7cf0-1b4c-4a39-8d3c-2e8a4c1d9a10', source_number: '447700900123', destination_number: '07700900000', message: 'O2 94 P 88', date_received: '2026-11-20T10:15:30.000000Z' };

  it('is read as the monitoring service’s input', () => {
    expect(parseReceivedText(notify)).toEqual({ id: notify.id, input: { from: '447700900123', content: 'O2 94 P 88', receivedAt: '2026-11-20T10:15:30.000Z' } });
    expect(parseReceivedText({ ...notify, message: undefined, content: 'T 37.5', sms_sender_id: null })).toMatchObject({ input: { content: 'T 37.5' } });
    // Notify's times are UTC even when the zone is left off
    expect(parseReceivedText({ ...notify, date_received: '2026-11-20T10:15:30.000000' })).toMatchObject({ input: { receivedAt: '2026-11-20T10:15:30.000Z' } });
  });

  it('says what is wrong with a body of the wrong shape', () => {
    const error = (body: unknown): string => {
      const parsed = parseReceivedText(body);
      return 'error' in parsed ? parsed.error : '';
    };
    expect(error(null)).toContain('JSON object');
    expect(error([notify])).toContain('JSON object');
    expect(error({ ...notify, id: 7 })).toContain('id must be a string');
    expect(error({ ...notify, source_number: 'Alice' })).toContain('source_number');
    expect(error({ ...notify, message: { text: 'O2 94' } })).toContain('message must be the text');
    expect(error({ ...notify, message: 'x'.repeat(5000) })).toContain('longer than a text message');
    expect(error({ ...notify, date_received: 'yesterday' })).toContain('date_received');
    expect(error({ ...notify, destination_number: 7 })).toContain('destination_number');
  });
});

describe('the callback’s setting', () => {
  it('needs a token of at least 16 characters without spaces, and is off without one', async () => {
    const [sqlite] = await testBackends();
    const store = await sqlite!.open();
    try {
      const base = { store, tokens: createTokenService(store.settings), version: 'test', logger: false };
      expect(settingsOf(base).receivedText).toBeUndefined();
      expect(settingsOf({ ...base, receivedText: { token: TOKEN } }).receivedText).toEqual({ token: TOKEN });
      for (const token of ['short', 'has a space in it somewhere', '']) expect(() => settingsOf({ ...base, receivedText: { token } })).toThrow(/at least 16 characters/);
    } finally {
      await store.close();
    }
  });
});
