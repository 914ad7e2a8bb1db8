/**
 * The app's config: defaults filled in, the public address turned into the FHIR base, bad values
 * refused when the app is built, and the result frozen.
 */
import { describe, expect, it } from 'vitest';
import type { TokenService } from '@kindred/access';
import type { Store } from '@kindred/store';
import { DEFAULT_BODY_LIMIT_BYTES, settingsOf, type AppConfig } from './app-config.ts';

const base: AppConfig = { store: {} as Store, tokens: {} as TokenService, version: '1.0.0' };

describe('app config', () => {
  it('fills in the defaults and freezes the result', () => {
    const settings = settingsOf(base);
    expect(settings.bodyLimitBytes).toBe(DEFAULT_BODY_LIMIT_BYTES);
    expect(DEFAULT_BODY_LIMIT_BYTES).toBe(16 * 1024 * 1024);
    expect(settings.fhirBaseUrl).toBeUndefined();
    expect(settings.logger).toBe(true);
    expect(settings.operationRoutes).toEqual([]);
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.operationRoutes)).toBe(true);
  });

  it('makes the FHIR base from the public address', () => {
    expect(settingsOf({ ...base, publicBaseUrl: 'https://kindred.example.org/' }).fhirBaseUrl).toBe('https://kindred.example.org/fhir');
    expect(settingsOf({ ...base, publicBaseUrl: 'https://example.org/care' }).fhirBaseUrl).toBe('https://example.org/care/fhir');
    expect(settingsOf({ ...base, publicBaseUrl: 'https://example.org/care/fhir' }).fhirBaseUrl).toBe('https://example.org/care/fhir');
  });

  it('refuses a public address that is not an http(s) url, and a body limit that is not a size', () => {
    expect(() => settingsOf({ ...base, publicBaseUrl: 'kindred.example.org' })).toThrow(/not an absolute url/);
    expect(() => settingsOf({ ...base, publicBaseUrl: 'ftp://example.org' })).toThrow(/http or https/);
    expect(() => settingsOf({ ...base, bodyLimitBytes: 0 })).toThrow(/bodyLimitBytes/);
  });
});
