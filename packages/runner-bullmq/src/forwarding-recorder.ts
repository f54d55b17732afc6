import {
  TrackingRecorder,
  type Logger,
  type MetricInput,
  type Tracker,
  type TypedArtifactInput,
} from '@tideflow/core';
import type { JobChannel } from './job-channel.js';

/**
 * The tracking recorder of a worker process: `track.*` calls made by a job's body (on the worker's
 * thread pool, which writes through `getConfig().tracking`) are forwarded to the flow that queued
 * the job; runs of flows that the worker itself runs (scheduled ones) are recorded as usual.
 */
export class ForwardingRecorder extends TrackingRecorder {
  /** The channels of running jobs, by their flow run's id. */
  private readonly remote = new Map<string, Set<JobChannel>>();

  constructor(tracker: Promise<Tracker>, logger: Logger) {
    super(tracker, logger);
  }

  /** Forwards the calls for `flowRunId` through `channel` until the returned function is called. */
  forward(flowRunId: string, channel: JobChannel): () => void {
    const channels = this.remote.get(flowRunId) ?? new Set<JobChannel>();
    this.remote.set(flowRunId, channels);
    channels.add(channel);
    return () => {
      channels.delete(channel);
      if (!channels.size) this.remote.delete(flowRunId);
    };
  }

  /** A running job of `runId` (any one: each waits for what it sent before it completes). */
  private channel(runId: string): JobChannel | undefined {
    const channels = this.remote.get(runId);
    return channels?.values().next().value;
  }

  override has(runId: string): boolean {
    return this.remote.has(runId) || super.has(runId);
  }

  override metrics(runId: string, points: MetricInput[]): void {
    const channel = this.channel(runId);
    if (channel) channel.send({ t: 'track', op: 'metrics', runId, payload: points });
    else super.metrics(runId, points);
  }

  override params(runId: string, params: Record<string, unknown>): void {
    const channel = this.channel(runId);
    if (channel) channel.send({ t: 'track', op: 'params', runId, payload: params });
    else super.params(runId, params);
  }

  override tags(runId: string, tags: Record<string, string>): void {
    const channel = this.channel(runId);
    if (channel) channel.send({ t: 'track', op: 'tags', runId, payload: tags });
    else super.tags(runId, tags);
  }

  override write<T>(
    runId: string,
    call: (tracker: Tracker, runId: string) => Promise<T>,
  ): Promise<T> {
    const channel = this.channel(runId);
    if (!channel) return super.write(runId, call);
    const remote = new Proxy(
      {},
      {
        get:
          (_target, method) =>
          (...args: unknown[]) =>
            channel.call('tracker', runId, args, String(method)),
      },
    ) as Tracker;
    return call(remote, runId);
  }

  override typedArtifact(runId: string, artifact: TypedArtifactInput): Promise<unknown> {
    const channel = this.channel(runId);
    return channel
      ? channel.call('typedArtifact', runId, [artifact])
      : super.typedArtifact(runId, artifact);
  }

  override async flush(runId: string): Promise<void> {
    const channel = this.channel(runId);
    if (channel) await channel.call('flush', runId, []);
    else await super.flush(runId);
  }
}
