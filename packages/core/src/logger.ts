/** The log levels tideflow uses, in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Numeric rank of each level, used to filter below the configured level. */
export const LOG_LEVELS: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};

/**
 * What tideflow needs of a logger. pino's loggers satisfy it (`pino()` has `debug/info/warn/error`
 * taking an object then a message, and `child(bindings)`).
 */
export interface Logger {
  /** Logs a debugging detail. */
  debug(obj: Record<string, unknown>, msg?: string): void;
  /** Logs a normal event. */
  info(obj: Record<string, unknown>, msg?: string): void;
  /** Logs something that did not fail but deserves attention. */
  warn(obj: Record<string, unknown>, msg?: string): void;
  /** Logs a failure. */
  error(obj: Record<string, unknown>, msg?: string): void;
  /** Returns a logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
  /**
   * Optional (pino has it): whether a line at `level` would be written. When it says no, the
   * engine does not even build its lifecycle lines; absent means every level may be written.
   */
  isLevelEnabled?(level: LogLevel): boolean;
}

/** Options of {@link ConsoleLogger}. */
export interface ConsoleLoggerOptions {
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default: `process.stderr`. */
  write?: (line: string) => void;
  /** Bindings added to every line. */
  bindings?: Record<string, unknown>;
}

function formatValue(v: unknown): string {
  if (v instanceof Error) return v.stack ?? v.message;
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * A base for loggers that handle every level in one method: subclasses implement `log` and
 * `child`; the four level methods forward to `log`.
 */
export abstract class LevelLogger implements Logger {
  /** Writes one event at `level`. */
  protected abstract log(level: LogLevel, obj: Record<string, unknown>, msg?: string): void;

  /** Returns a logger that adds `bindings` to every line. */
  abstract child(bindings: Record<string, unknown>): Logger;

  debug(obj: Record<string, unknown>, msg?: string): void {
    this.log('debug', obj, msg);
  }
  info(obj: Record<string, unknown>, msg?: string): void {
    this.log('info', obj, msg);
  }
  warn(obj: Record<string, unknown>, msg?: string): void {
    this.log('warn', obj, msg);
  }
  error(obj: Record<string, unknown>, msg?: string): void {
    this.log('error', obj, msg);
  }
}

/**
 * The default logger: one human-readable line per event on stderr,
 * `HH:MM:SS.mmm LEVEL message key=value ...`.
 */
export class ConsoleLogger extends LevelLogger {
  private readonly level: number;
  private readonly write: (line: string) => void;
  private readonly bindings: Record<string, unknown>;

  constructor(options: ConsoleLoggerOptions = {}) {
    super();
    this.level = LOG_LEVELS[options.level ?? 'info'];
    this.write = options.write ?? ((line) => process.stderr.write(line + '\n'));
    this.bindings = options.bindings ?? {};
  }

  /** Whether lines at `level` are written (at or above the configured level). */
  isLevelEnabled(level: LogLevel): boolean {
    return LOG_LEVELS[level] >= this.level;
  }

  protected log(level: LogLevel, obj: Record<string, unknown>, msg?: string): void {
    if (LOG_LEVELS[level] < this.level) return;
    const time = new Date().toISOString().slice(11, 23);
    const fields = { ...this.bindings, ...obj };
    const tail = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${formatValue(v)}`)
      .join(' ');
    this.write(`${time} ${level.toUpperCase().padEnd(5)} ${msg ?? ''}${tail ? ' ' + tail : ''}`);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new ConsoleLogger({
      level: (Object.keys(LOG_LEVELS) as LogLevel[]).find((l) => LOG_LEVELS[l] === this.level),
      write: this.write,
      bindings: { ...this.bindings, ...bindings },
    });
  }
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
  isLevelEnabled: () => false,
};
