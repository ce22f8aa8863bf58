import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_clusters_covering_index_train_only.js';
import * as m0003 from './0003_runs_keyed_by_what_ran.js';
import * as m0004 from './0004_generation_transactions_and_spend.js';
import * as m0008 from './0008_authorship.js';
import * as m0009 from './0009_studies.js';

// Ordered list of every released migration. Append only.
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_clusters_covering_index_train_only': m0002,
  '0003_runs_keyed_by_what_ran': m0003,
  '0004_generation_transactions_and_spend': m0004,
  '0008_authorship': m0008,
  '0009_studies': m0009,
};
