import { engineEvents, type EngineEvent, type StateType } from '../../src/index.js';

/** Records engine events until `stop()`; `states(name)` lists the state types a run name went through. */
export function recordEvents(): {
  events: EngineEvent[];
  states: (name: string) => StateType[];
  stop: () => void;
} {
  const events: EngineEvent[] = [];
  const stop = engineEvents.subscribe((e) => events.push(e));
  return {
    events,
    states: (name) =>
      events.flatMap((e) => (e.type === 'run.state' && e.run.name === name ? [e.state.type] : [])),
    stop,
  };
}

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
