import { DuplicateNameError } from './errors.js';
import type { Definition } from './engine/definition.js';
import type { RunKind } from './engine/events.js';

/**
 * Flows and tasks by registered name. Names are stable (`Class.method` or the `name` option), so an
 * out-of-process runner can find a task from its name. Tests can make a fresh registry instead of
 * resetting a global one.
 */
export class Registry {
  private readonly entries = new Map<string, Definition>();

  /** Registers `def`; the same function again is a no-op, another function under a taken name throws DuplicateNameError. */
  register(def: Definition): void {
    const existing = this.entries.get(def.name);
    if (existing && existing.fn !== def.fn) throw new DuplicateNameError(def.name);
    this.entries.set(def.name, def);
  }

  /** The flow or task registered under `name`. */
  get(name: string): Definition | undefined {
    return this.entries.get(name);
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Every registered definition, optionally only flows or only tasks, in registration order. */
  list(kind?: RunKind): Definition[] {
    const all = [...this.entries.values()];
    return kind ? all.filter((d) => d.kind === kind) : all;
  }

  /** Removes `name` (returns whether it was registered). */
  unregister(name: string): boolean {
    return this.entries.delete(name);
  }
}

/** The registry flows and tasks join unless their options name another. */
export const defaultRegistry = new Registry();
