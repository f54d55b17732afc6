/** The Redis keys and channel that tideflow adds beside a BullMQ queue's own. */
export interface QueueKeys {
  /** A large argument or result, stored by reference. */
  blob(id: string): string;
  /** The flow's answer to a worker's tracker call. */
  reply(id: string): string;
  /** The hash of deployments (schedules) by name. */
  readonly deployments: string;
  /** The pub/sub channel on which flows ask workers to stop a running job. */
  readonly cancel: string;
}

/** The keys of `queue` under BullMQ's `prefix`. */
export function queueKeys(prefix: string, queue: string): QueueKeys {
  const base = `${prefix}:${queue}:tideflow`;
  return {
    blob: (id) => `${base}:blob:${id}`,
    reply: (id) => `${base}:reply:${id}`,
    cancel: `${base}:cancel`,
    deployments: `${base}:deployments`,
  };
}
