import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';

// Ordered list of every released migration. Append only.
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};
