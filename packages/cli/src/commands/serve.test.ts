/** The token command the server shows reaches the same store, and never shows a password. */
import { describe, expect, it } from 'vitest';
import { tokenCommandFor } from './serve.ts';

describe('tokenCommandFor', () => {
  it('is the plain command on the default data folder', () => {
    expect(tokenCommandFor({})).toBe('npx kindred token');
    expect(tokenCommandFor({ data: './data' })).toBe('npx kindred token');
  });

  it('names another data folder, quoted when it has spaces', () => {
    expect(tokenCommandFor({ data: 'area' })).toBe('npx kindred token --data area');
    expect(tokenCommandFor({ data: 'my area' })).toBe('npx kindred token --data "my area"');
  });

  it('names the database url without its password', () => {
    const shown = tokenCommandFor({ 'database-url': 'postgres://kindred:s3cret@db.example:5432/kindred' });
    expect(shown).not.toContain('s3cret');
    expect(shown).toMatch(/^npx kindred token --database-url postgres:\/\/kindred:.+@db\.example:5432\/kindred$/);
  });
});
