/**
 * Small named values the platform keeps in its own database (for example the key that signs
 * access tokens), so that every process and node opening the same store shares them.
 */
import type { SqlDriver } from './sql/driver.ts';

export interface Settings {
  get(name: string): Promise<string | undefined>;
  /** the value stored under `name`, creating it with `create()` if absent; concurrent callers all get the first value stored */
  getOrCreate(name: string, create: () => string | Promise<string>): Promise<string>;
}

export function sqlSettings(driver: SqlDriver): Settings {
  const get = async (name: string): Promise<string | undefined> =>
    (await driver.query<{ value: string }>('SELECT value FROM kindred_setting WHERE name = ?', [name]))[0]?.value;
  return {
    get,
    async getOrCreate(name, create) {
      const existing = await get(name);
      if (existing !== undefined) return existing;
      const value = await create();
      await driver.transaction((tx) => tx.execute('INSERT INTO kindred_setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, value]));
      return (await get(name)) ?? value;
    },
  };
}
