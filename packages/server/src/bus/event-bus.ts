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
  /**
   * Calls `listener` each time the bus is back after losing its connection (messages published
   * meanwhile were missed: send the current state again). Returns the function that stops it.
   */
  onResume(listener: () => void): () => void;
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

  /** In one process nothing is ever missed. */
  onResume(_listener: () => void): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}

/**
 * How long a publish holds its caller while Redis is unreachable. The message itself waits in
 * the publisher's queue until Redis is back (it is not dropped); a request is not held longer.
 */
export const PUBLISH_PATIENCE_MS = 2000;

/**
 * Redis pub/sub: one publisher and one subscriber connection per instance, topics prefixed per
 * install. Pub/sub keeps nothing: a message published while a subscriber was cut off never
 * reaches it, so after its connection is back (and its topics subscribed again) the bus tells
 * `onResume` listeners, which send their clients the current state again.
 */
export class RedisEventBus implements EventBus {
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private readonly resumeListeners = new Set<() => void>();
  /**
   * The subscriber connection is ready. A lazy connection (a `duplicate()` of one made with
   * lazyConnect) opened by a SUBSCRIBE would be in subscriber mode before ioredis' ready check
   * (INFO) runs, which then fails and drops the subscription: it is connected first.
   */
  private readonly ready: Promise<void>;
  /** The subscriber lost its connection since it was last ready. */
  private cutOff = false;

  /**
   * Over `redis` (its settings): a publisher whose messages wait through an outage
   * (maxRetriesPerRequest: null) and a subscriber, both of the bus's own, closed with it.
   */
  static over(redis: Redis, prefix: string): RedisEventBus {
    return new RedisEventBus(redis.duplicate({ maxRetriesPerRequest: null }), redis.duplicate(), prefix);
  }

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
  ) {
    // A first connection that fails is retried by ioredis; subscriptions then wait in its queue.
    this.ready = subscriber.status === "wait" ? subscriber.connect().catch(() => {}) : Promise.resolve();
    subscriber.on("close", () => {
      this.cutOff = true;
    });
    subscriber.on("ready", () => {
      if (!this.cutOff) return;
      this.cutOff = false;
      // ioredis subscribes to the topics again as it gets ready: a PING answered after those
      // SUBSCRIBEs means they hold, and nothing published from now on is missed.
      subscriber.ping().then(
        () => {
          for (const listener of this.resumeListeners) listener();
        },
        () => {},
      );
    });
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
    const sent = this.publisher.publish(this.prefix + topic, JSON.stringify(message));
    // Redis unreachable: the message goes out when it is back; the caller goes on after a while.
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PUBLISH_PATIENCE_MS);
    });
    try {
      await Promise.race([sent, patience]);
    } finally {
      clearTimeout(timer);
      sent.catch(() => {});
    }
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

  onResume(listener: () => void): () => void {
    this.resumeListeners.add(listener);
    return () => {
      this.resumeListeners.delete(listener);
    };
  }

  subscriberCount(topic: Topic): number {
    return this.handlers.get(this.prefix + topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.resumeListeners.clear();
    await Promise.all([this.subscriber.quit(), this.publisher.quit()]);
  }
}
