import type { Redis } from "ioredis";
import type { MessageOf, Topic } from "./topics.ts";

export type BusHandler<T extends Topic = Topic> = (message: MessageOf<T>) => void;

/**
 * Events between server instances, by topic. In-process when alone; through Redis pub/sub
 * when REDIS_URL is set, so a student joining on one instance reaches the teacher on another.
 * Topics and their message types are listed in bus/topics.ts.
 */
export interface EventBus {
  publish<T extends Topic>(topic: T, message: MessageOf<T>): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe<T extends Topic>(topic: T, handler: BusHandler<T>): Promise<() => Promise<void>>;
  /** Handlers of this instance subscribed to the topic (diagnostics: a leak shows here). */
  subscriberCount(topic: Topic): number;
  close(): Promise<void>;
}

/** Delivers to subscribers of this process, asynchronously (as Redis would). */
export class MemoryEventBus implements EventBus {
  private readonly topics = new Map<string, Set<BusHandler>>();

  async publish<T extends Topic>(topic: T, message: MessageOf<T>): Promise<void> {
    const handlers = this.topics.get(topic);
    if (!handlers) return;
    const copy = structuredClone(message);
    queueMicrotask(() => {
      for (const handler of handlers) handler(copy);
    });
  }

  async subscribe<T extends Topic>(topic: T, handler: BusHandler<T>): Promise<() => Promise<void>> {
    let handlers = this.topics.get(topic);
    if (!handlers) {
      handlers = new Set();
      this.topics.set(topic, handlers);
    }
    // Stored untyped: only messages published on this topic, so of its type, reach it.
    const untyped = handler as BusHandler;
    handlers.add(untyped);
    return async () => {
      handlers.delete(untyped);
      if (handlers.size === 0) this.topics.delete(topic);
    };
  }

  subscriberCount(topic: Topic): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}

/** Redis pub/sub: one subscriber connection per instance, topics prefixed per install. */
export class RedisEventBus implements EventBus {
  private readonly handlers = new Map<string, Set<BusHandler>>();
  /**
   * The subscriber connection is ready. A lazy connection (a `duplicate()` of one made with
   * lazyConnect) opened by a SUBSCRIBE would be in subscriber mode before ioredis' ready check
   * (INFO) runs, which then fails and drops the subscription: it is connected first.
   */
  private readonly ready: Promise<void>;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    // A first connection that fails is retried by ioredis; subscriptions then wait in its queue.
    this.ready = subscriber.status === "wait" ? subscriber.connect().catch(() => {}) : Promise.resolve();
    subscriber.on("message", (channel: string, raw: string) => {
      const handlers = this.handlers.get(channel);
      if (!handlers) return;
      // Published as JSON by publish() for this topic, so of its type.
      let message: MessageOf<Topic>;
      try {
        message = JSON.parse(raw);
      } catch {
        return;
      }
      for (const handler of handlers) handler(message);
    });
  }

  async publish<T extends Topic>(topic: T, message: MessageOf<T>): Promise<void> {
    await this.publisher.publish(this.prefix + topic, JSON.stringify(message));
  }

  async subscribe<T extends Topic>(topic: T, handler: BusHandler<T>): Promise<() => Promise<void>> {
    const channel = this.prefix + topic;
    await this.ready;
    let handlers = this.handlers.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(channel, handlers);
      await this.subscriber.subscribe(channel);
    }
    const untyped = handler as BusHandler;
    handlers.add(untyped);
    return async () => {
      handlers.delete(untyped);
      if (handlers.size === 0 && this.handlers.get(channel) === handlers) {
        this.handlers.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  subscriberCount(topic: Topic): number {
    return this.handlers.get(this.prefix + topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await this.subscriber.quit();
  }
}
