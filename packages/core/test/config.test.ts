import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  InvalidOptionError,
  configure,
  getConfig,
  resetConfiguration,
  resolveFileSettings,
} from '../src/index.js';

afterEach(() => resetConfiguration());

function home(profiles: unknown): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-home-'));
  writeFileSync(join(dir, 'profiles.json'), JSON.stringify(profiles));
  return { TIDEFLOW_HOME: dir };
}

describe('settings resolution', () => {
  it('resolves defaults < profile < environment < explicit, and says where each came from', () => {
    const env = home({
      active: 'dev',
      profiles: { dev: { loggingLevel: 'debug', maxConcurrency: 4 }, prod: {} },
    });
    const base = resolveFileSettings({}, env);
    expect(base.values.loggingLevel).toBe('debug');
    expect(base.sources.loggingLevel).toBe('profile');
    expect(base.values.trackingUri).toBe('memory:');
    expect(base.sources.trackingUri).toBe('default');

    const withEnv = resolveFileSettings(
      {},
      { ...env, TIDEFLOW_LOGGING_LEVEL: 'warn', TIDEFLOW_DISABLED: '1' },
    );
    expect(withEnv.values.loggingLevel).toBe('warn');
    expect(withEnv.values.disabled).toBe(true);
    expect(withEnv.sources.disabled).toBe('env');

    const explicit = resolveFileSettings(
      { loggingLevel: 'error' },
      { ...env, TIDEFLOW_LOGGING_LEVEL: 'warn' },
    );
    expect(explicit.values.loggingLevel).toBe('error');
    expect(explicit.sources.loggingLevel).toBe('explicit');
  });

  it('selects the profile named by TIDEFLOW_PROFILE', () => {
    const env = home({
      active: 'dev',
      profiles: { dev: { maxConcurrency: 4 }, prod: { maxConcurrency: 16 } },
    });
    expect(
      resolveFileSettings({}, { ...env, TIDEFLOW_PROFILE: 'prod' }).values.maxConcurrency,
    ).toBe(16);
  });

  it('names the variable and the allowed values on bad input', () => {
    expect(() =>
      resolveFileSettings({}, { TIDEFLOW_HOME: '/nonexistent', TIDEFLOW_LOGGING_LEVEL: 'loud' }),
    ).toThrow(/TIDEFLOW_LOGGING_LEVEL: expected one of debug, info, warn, error, got "loud"/);
    expect(() =>
      resolveFileSettings({}, { TIDEFLOW_HOME: '/nonexistent', TIDEFLOW_DISABLED: 'maybe' }),
    ).toThrow(InvalidOptionError);
    expect(() =>
      resolveFileSettings(
        {},
        { TIDEFLOW_HOME: '/nonexistent', TIDEFLOW_CONCURRENCY_LIMITS: '{"gpu": 0}' },
      ),
    ).toThrow(/TIDEFLOW_CONCURRENCY_LIMITS.gpu: a concurrency limit must be ≥ 1/);
    expect(() =>
      resolveFileSettings(
        {},
        { TIDEFLOW_HOME: '/nonexistent', TIDEFLOW_TRACKING_URI: 'mysql://x' },
      ),
    ).toThrow(
      /TIDEFLOW_TRACKING_URI: expected a tracking URI of a registered scheme \(http:, https:, memory:, sqlite:\)/,
    );
    const broken = mkdtempSync(join(tmpdir(), 'tideflow-home-'));
    writeFileSync(join(broken, 'profiles.json'), '{not json');
    expect(() => resolveFileSettings({}, { TIDEFLOW_HOME: broken })).toThrow(
      /Cannot read the profiles file/,
    );
  });

  it('configure() merges and enabled:false disables the engine', () => {
    configure({ maxConcurrency: 2 });
    configure({ enabled: false });
    expect(getConfig().settings.maxConcurrency).toBe(2);
    expect(getConfig().enabled).toBe(false);
    resetConfiguration();
    expect(getConfig().settings.maxConcurrency).toBe(0);
  });

  it('treats enabled and disabled as one setting: the one given last wins', () => {
    configure({ enabled: false });
    configure({ disabled: false });
    expect(getConfig().enabled).toBe(true);
    configure({ disabled: true });
    configure({ enabled: true });
    expect(getConfig().enabled).toBe(true);
    configure({ enabled: false });
    expect(getConfig().enabled).toBe(false);
  });

  it('checks settings given in code like those from files and the environment', () => {
    configure({ maxConcurrency: -1 });
    expect(() => getConfig()).toThrow(/configure\(\{ maxConcurrency \}\): expected an integer ≥ 0/);
    configure({ maxConcurrency: 1, loggingLevel: 'loud' as 'info' });
    expect(() => getConfig()).toThrow(InvalidOptionError);
  });
});
