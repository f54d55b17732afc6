import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { trackerConformance } from '@tideflow/core/testing';
import { SqliteTracker } from '@tideflow/tracker-sqlite';
import { RECORD_CHANGES_KEPT, RECORD_CHANGES_PRUNE_EVERY } from '../src/schema.js';

const root = mkdtempSync(join(tmpdir(), 'tideflow-sqlite-conf-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

trackerConformance(
  { describe, it, expect },
  () => new SqliteTracker({ path: join(root, `t${n++}`, 'tideflow.db') }),
  { changeRetention: RECORD_CHANGES_KEPT + RECORD_CHANGES_PRUNE_EVERY },
);
