#!/usr/bin/env node
import { main } from './main.js';

// Started by a `tideflow worker` for a scheduled run (an IPC channel to it): the run ends when the
// worker goes, as it would have on the worker's own thread; the channel alone keeps nothing alive.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.exit(1));
}

process.exitCode = await main(process.argv);
