/** The version of Kindred, from the root package.json (read once). */
import { readFileSync } from 'node:fs';

export const KINDRED_VERSION: string = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
