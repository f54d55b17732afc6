import { engineEvents, type EngineEvent, type EngineRunInfo } from '@tideflow/core';
import { formatDuration } from './format/values.js';

/** Counters of the task runs of one flow run. */
interface FlowLine {
  readonly info: EngineRunInfo;
  readonly depth: number;
  readonly label: string;
  state: string;
  started: number;
  ended?: number;
  total: number;
  done: number;
  cached: number;
  running: number;
  failed: number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A flow's label: its name, plus a short string parameter (e.g. the model family of a subflow). */
function labelOf(info: EngineRunInfo): string {
  const tag = Object.values(info.parameters).find(
    (v): v is string => typeof v === 'string' && v.length <= 24,
  );
  return tag === undefined ? info.name : `${info.name} [${tag}]`;
}

/**
 * The CLI's view of a run, fed by engine events: on a terminal a live tree of flow runs with their
 * task counts (done/total, cached, running, failed), redrawn in place; elsewhere (CI, pipes) one
 * plain line per flow start/end and per finished task.
 */
export class ProgressDisplay {
  private readonly flows = new Map<string, FlowLine>();
  private readonly order: string[] = [];
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;
  private drawn = 0;
  private frame = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly live: boolean,
    private readonly width = 80,
  ) {}

  /** Starts listening to engine events. */
  start(): void {
    this.unsubscribe = engineEvents.subscribe(this.onEvent);
    if (this.live) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
  }

  /** Stops listening and draws the final state. */
  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }

  private readonly onEvent = (event: EngineEvent): void => {
    const run = event.run;
    if (event.type === 'run.created') {
      if (run.kind === 'flow') {
        const parent = run.flowRunId ? this.flows.get(run.flowRunId) : undefined;
        this.flows.set(run.id, {
          info: run,
          depth: parent ? parent.depth + 1 : 0,
          label: labelOf(run),
          state: 'Pending',
          started: Date.now(),
          total: 0,
          done: 0,
          cached: 0,
          running: 0,
          failed: 0,
        });
        // Children go right after their parent's last descendant, so the tree reads top-down.
        let at = this.order.length;
        if (parent) {
          at = this.order.indexOf(parent.info.id) + 1;
          while (at < this.order.length && this.flows.get(this.order[at])!.depth > parent.depth)
            at++;
        }
        this.order.splice(at, 0, run.id);
      } else {
        const owner = run.flowRunId ? this.flows.get(run.flowRunId) : undefined;
        if (owner) owner.total++;
      }
      return;
    }
    if (event.type !== 'run.state') return;
    const state = event.state;
    if (run.kind === 'flow') {
      const line = this.flows.get(run.id);
      if (!line) return;
      line.state = state.name;
      if (state.type === 'RUNNING' && !this.live)
        this.line(`${'  '.repeat(line.depth)}▶ ${line.label}`);
      if (state.isFinal()) {
        line.ended = Date.now();
        if (!this.live) {
          this.line(
            `${'  '.repeat(line.depth)}${state.isCompleted() ? '✔' : '✖'} ${line.label} ${state.name} in ${formatDuration(line.ended - line.started)}${this.counts(line)}`,
          );
        }
      }
      return;
    }
    const owner = run.flowRunId ? this.flows.get(run.flowRunId) : undefined;
    if (!owner) return;
    if (state.type === 'RUNNING' && event.attempt === 1) owner.running++;
    if (state.isFinal()) {
      if (event.previous?.type === 'RUNNING') owner.running--;
      owner.done++;
      if (state.type === 'CACHED') owner.cached++;
      if (state.isFailed()) owner.failed++;
      if (!this.live) {
        this.line(
          `${'  '.repeat(owner.depth + 1)}· ${run.runName} ${state.name}${state.isFailed() && state.message ? `: ${state.message}` : ''}`,
        );
      }
    }
  };

  private counts(line: FlowLine): string {
    if (line.total === 0) return '';
    const parts = [`${line.done}/${line.total} tasks`];
    if (line.cached) parts.push(`${line.cached} cached`);
    if (line.running) parts.push(`${line.running} running`);
    if (line.failed) parts.push(`${line.failed} failed`);
    return ` (${parts.join(', ')})`;
  }

  private line(text: string): void {
    this.write(`${text.slice(0, this.width)}\n`);
  }

  /** Redraws the tree in place (terminal only). */
  private draw(): void {
    this.frame = (this.frame + 1) % SPINNER.length;
    const now = Date.now();
    const lines = this.order.map((id) => {
      const l = this.flows.get(id)!;
      const mark = l.ended
        ? l.state === 'Completed'
          ? '✔'
          : '✖'
        : l.state === 'Running'
          ? SPINNER[this.frame]
          : '·';
      const time = formatDuration((l.ended ?? now) - l.started);
      return `${'  '.repeat(l.depth)}${mark} ${l.label}  ${l.state} ${time}${this.counts(l)}`.slice(
        0,
        this.width - 1,
      );
    });
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(''));
    this.drawn = lines.length;
  }
}
