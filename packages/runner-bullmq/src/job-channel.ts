import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  LevelLogger,
  cloneable,
  decodeError,
  type EncodedError,
  type LogLevel,
  type Logger,
} from '@tideflow/core';
import type { QueueKeys } from './keys.js';
import type { CallAnswer, MessageProgress, WorkerMessage } from './protocol.js';

/**
 * The way back from a job to the flow that queued it: messages travel as the job's progress (in
 * order with its completion, on the queue's events stream), and a call's answer comes back on a
 * Redis list that the worker waits on, for at most `callTimeoutMs`.
 */
export class JobChannel {
  /** Sends not yet written (the job completes only after them). */
  private readonly sending = new Set<Promise<unknown>>();

  constructor(
    private readonly job: Job,
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly callTimeoutMs: number,
  ) {}

  /** Sends `message` to the flow (without waiting). */
  send(message: WorkerMessage): void {
    let bytes: Buffer;
    try {
      bytes = serialize(message);
    } catch {
      if (message.t !== 'log') return;
      const fields: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(message.fields)) fields[k] = cloneable(v);
      bytes = serialize({ ...message, fields });
    }
    const progress: MessageProgress = { tideflow: bytes.toString('base64') };
    const sent = this.job.updateProgress(progress as never).catch(() => {});
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  /** Sends a call and resolves with the flow's answer. */
  async call(
    op: 'tracker' | 'typedArtifact' | 'flush',
    runId: string,
    args: readonly unknown[],
    method?: string,
  ): Promise<unknown> {
    const id = randomUUID();
    this.send({ t: 'call', id, op, runId, method, args });
    // A blocking pop holds its connection: each call waits on a connection of its own.
    const waiter = this.redis.duplicate();
    waiter.on('error', () => {});
    try {
      const popped = await waiter.blpopBuffer(this.keys.reply(id), this.callTimeoutMs / 1000);
      if (!popped) {
        throw new Error(
          `The flow did not answer track call ${method ?? op} within ${this.callTimeoutMs} ms.`,
        );
      }
      const answer = deserialize(popped[1]) as CallAnswer;
      if (!answer.ok) throw decodeError(answer.error as EncodedError);
      return answer.value;
    } finally {
      waiter.disconnect();
    }
  }

  /** Whether messages are still being written (then {@link JobChannel.drained} waits for them). */
  get busy(): boolean {
    return this.sending.size > 0;
  }

  /** Waits until every message sent so far is written. */
  async drained(): Promise<void> {
    while (this.sending.size) await Promise.all([...this.sending]);
  }

  /** A run logger whose lines go to the flow's task run. */
  logger(): Logger {
    return new ChannelLogger(this, {});
  }
}

/** Log lines of a job, sent to the flow. */
class ChannelLogger extends LevelLogger {
  constructor(
    private readonly channel: JobChannel,
    private readonly bindings: Record<string, unknown>,
  ) {
    super();
  }

  protected log(level: LogLevel, fields: Record<string, unknown>, message?: string): void {
    this.channel.send({ t: 'log', level, fields: { ...this.bindings, ...fields }, message });
  }

  child(bindings: Record<string, unknown>): Logger {
    return new ChannelLogger(this.channel, { ...this.bindings, ...bindings });
  }
}
