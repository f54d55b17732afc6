import { LevelLogger, type LogLevel, type Logger } from '../logger.js';
import type { EventBus, EngineRunInfo } from './events.js';

/**
 * The logger of one run: lines go to the configured logger tagged with the flow run and task run,
 * and to the event bus (so trackers record them as run logs).
 */
export class RunLogger extends LevelLogger {
  private base?: Logger;

  constructor(
    private readonly root: Logger,
    private readonly events: EventBus,
    private readonly run: EngineRunInfo,
    private readonly bindings: Record<string, unknown> = {},
  ) {
    super();
  }

  /** The root logger's child with this run's tags, made on first use (most runs never log). */
  private get target(): Logger {
    this.base ??= this.root.child({
      ...(this.run.kind === 'flow'
        ? { flow: this.run.name, flow_run: this.run.id }
        : { task: this.run.name, task_run: this.run.id, flow_run: this.run.flowRunId }),
      ...this.bindings,
    });
    return this.base;
  }

  protected log(level: LogLevel, obj: Record<string, unknown>, msg?: string): void {
    this.target[level](obj, msg);
    if (this.events.active) {
      this.events.emit({
        type: 'run.log',
        run: this.run,
        level,
        message: msg ?? '',
        fields: { ...this.bindings, ...obj },
        timestamp: Date.now(),
      });
    }
  }

  child(bindings: Record<string, unknown>): Logger {
    return new RunLogger(this.root, this.events, this.run, { ...this.bindings, ...bindings });
  }
}
