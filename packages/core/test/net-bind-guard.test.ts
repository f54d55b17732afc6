import { describe, expect, it } from 'vitest';
import {
  TideflowError,
  UnsafeBindError,
  assertSafeBind,
  bearerTokenMatches,
  isLoopbackHost,
} from '../src/index.js';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'app.localhost',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    '[::ffff:127.9.0.1]',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    '0.0.0.0',
    '::',
    '[::]',
    '192.168.1.10',
    '128.0.0.1',
    '::2',
    '::ffff:10.0.0.1',
    'example.com',
    'localhost.example.com',
    '',
  ])('%s is not loopback', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('assertSafeBind', () => {
  it('accepts a loopback host without a token and any host with one', () => {
    expect(() => assertSafeBind('127.0.0.1', undefined)).not.toThrow();
    expect(() => assertSafeBind('0.0.0.0', 's3cret')).not.toThrow();
  });

  it('refuses a non-loopback host without a token, naming the host', () => {
    for (const token of [undefined, '']) {
      let caught: unknown;
      try {
        assertSafeBind('0.0.0.0', token);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(UnsafeBindError);
      expect(caught).toBeInstanceOf(TideflowError);
      expect((caught as UnsafeBindError).code).toBe('UNSAFE_BIND');
      expect((caught as UnsafeBindError).host).toBe('0.0.0.0');
      expect((caught as Error).message).toContain('"0.0.0.0"');
    }
  });
});

describe('bearerTokenMatches', () => {
  it('accepts exactly the expected bearer token', () => {
    expect(bearerTokenMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerTokenMatches('bearer  s3cret ', 's3cret')).toBe(true);
  });

  it.each([
    undefined,
    '',
    's3cret',
    'Bearer',
    'Bearer ',
    'Bearer s3cre',
    'Bearer s3cret2',
    'Basic s3cret',
    'Bearer s3cret extra',
  ])('rejects %j', (header) => expect(bearerTokenMatches(header, 's3cret')).toBe(false));

  it('never accepts an empty presented token, even against an empty expected one', () => {
    expect(bearerTokenMatches('Bearer ', '')).toBe(false);
  });
});
