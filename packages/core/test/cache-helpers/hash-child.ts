// Run by cache-hash.test.ts in a separate process: prints the hash of every fixture as JSON.
import { defaultSerializers, hashValue } from '../../src/index.js';
import { hashFixtures } from './values.js';

const fixtures = hashFixtures(true);
const out: Record<string, string> = {};
for (const [name, value] of Object.entries(fixtures))
  out[name] = hashValue(value, defaultSerializers);
process.stdout.write(JSON.stringify(out));
