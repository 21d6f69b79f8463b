import { HocuspocusProvider, HocuspocusProviderWebsocket } from "@hocuspocus/provider";
import {
  type ChannelServerMessage,
  channelServerMessageSchema,
  DOC_CODE,
  sessionChannelPath,
} from "@observer/protocol";
import { WebSocket } from "ws";
import * as Y from "yjs";

/**
 * A socket's life as the soak counts it: a drop is a close of a connected socket (the soak
 * itself closes none until the end), a reconnect is a connection regained after a drop.
 */
export class Connection {
  connected = false;
  drops = 0;
  reconnects = 0;
  /** Whether it was ever connected: the first connection is not a reconnect. */
  private ever = false;

  up(): void {
    if (this.connected) return;
    this.connected = true;
    if (this.ever) this.reconnects += 1;
    this.ever = true;
  }

  down(): void {
    if (!this.connected) return;
    this.connected = false;
    this.drops += 1;
  }
}

/** A collab socket through `httpUrl` that reconnects as the web app's does (50 ms to 2 s). */
export function collabSocket(httpUrl: string, connection: Connection): HocuspocusProviderWebsocket {
  const socket = new HocuspocusProviderWebsocket({
    url: `${httpUrl.replace(/^http/, "ws")}/collab`,
    WebSocketPolyfill: WebSocket,
    delay: 50,
    minDelay: 50,
    maxDelay: 2000,
    factor: 1.5,
  });
  socket.on("connect", () => connection.up());
  socket.on("disconnect", () => connection.down());
  return socket;
}

/** Characters typed in turn: a lost, doubled or reordered keystroke shows in the text. */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A student typing at the end of their own document over their own socket. */
export class SoakTypist {
  readonly connection = new Connection();
  readonly socket: HocuspocusProviderWebsocket;
  readonly provider: HocuspocusProvider;
  readonly doc = new Y.Doc();
  /** Everything typed, in order; `sentAt[i]` is when character i was typed (performance.now()). */
  typed = "";
  readonly sentAt: number[] = [];

  constructor(httpUrl: string, name: string, token: string) {
    this.socket = collabSocket(httpUrl, this.connection);
    this.provider = new HocuspocusProvider({
      websocketProvider: this.socket,
      name,
      token,
      document: this.doc,
    });
    this.provider.attach();
  }

  synced(): Promise<void> {
    return new Promise((resolve) => {
      if (this.provider.isSynced) resolve();
      else this.provider.on("synced", () => resolve());
    });
  }

  keystroke(): void {
    const text = this.doc.getText(DOC_CODE);
    const char = ALPHABET[this.typed.length % ALPHABET.length] as string;
    this.sentAt.push(performance.now());
    this.typed += char;
    text.insert(text.length, char);
  }

  destroy(): void {
    this.provider.destroy();
    this.socket.destroy();
  }
}

/**
 * The teacher's dashboard: one socket with a provider per student document (as the web app
 * multiplexes them), counting each character it sees arrive and how long after it was typed.
 */
export class SoakTeacher {
  readonly connection = new Connection();
  readonly socket: HocuspocusProviderWebsocket;
  private readonly providers: HocuspocusProvider[] = [];
  readonly docs: Y.Doc[] = [];
  /** Characters seen since the last `take()`, and their latencies (ms). */
  private seen = 0;
  private latencies: number[] = [];

  constructor(httpUrl: string, token: string, documents: { name: string; typist: SoakTypist }[]) {
    this.socket = collabSocket(httpUrl, this.connection);
    for (const { name, typist } of documents) {
      const doc = new Y.Doc();
      let length = 0;
      doc.getText(DOC_CODE).observe((event) => {
        const now = performance.now();
        const text = event.target as Y.Text;
        for (let pos = length; pos < text.length; pos++) {
          this.seen += 1;
          const sent = typist.sentAt[pos];
          if (sent !== undefined) this.latencies.push(now - sent);
        }
        length = text.length;
      });
      const provider = new HocuspocusProvider({ websocketProvider: this.socket, name, token, document: doc });
      provider.attach();
      this.providers.push(provider);
      this.docs.push(doc);
    }
  }

  synced(): Promise<void> {
    return Promise.all(
      this.providers.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.isSynced) resolve();
            else p.on("synced", () => resolve());
          }),
      ),
    ).then(() => {});
  }

  /** Characters seen and their latencies since the last call. */
  take(): { seen: number; latencies: number[] } {
    const taken = { seen: this.seen, latencies: this.latencies };
    this.seen = 0;
    this.latencies = [];
    return taken;
  }

  text(i: number): string {
    return (this.docs[i] as Y.Doc).getText(DOC_CODE).toString();
  }

  destroy(): void {
    for (const p of this.providers) p.destroy();
    this.socket.destroy();
  }
}

/** Longest a channel message is read (a roster of 500 students is ≈ 150 kB). */
const MAX_CHANNEL_MESSAGE_BYTES = 4 * 2 ** 20;

/**
 * The teacher's session channel, reconnecting after 100 ms as the web app's does; each message
 * goes to `onMessage` (pings are answered) and nothing is kept, so ten minutes of a class's
 * events cost no memory here.
 */
export class SoakChannel {
  readonly connection = new Connection();
  private ws: WebSocket | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly onMessage: (message: ChannelServerMessage) => void,
  ) {
    this.connect();
  }

  static open(
    httpUrl: string,
    sessionId: string,
    token: string,
    onMessage: (m: ChannelServerMessage) => void,
  ): SoakChannel {
    return new SoakChannel(
      `${httpUrl.replace(/^http/, "ws")}${sessionChannelPath(sessionId)}`,
      token,
      onMessage,
    );
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.url, { maxPayload: MAX_CHANNEL_MESSAGE_BYTES });
    this.ws = ws;
    ws.on("open", () => ws.send(JSON.stringify({ type: "auth", token: this.token })));
    ws.on("message", (data) => {
      const message = channelServerMessageSchema.parse(JSON.parse(data.toString()));
      if (message.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
        return;
      }
      if (message.type === "ready") this.connection.up();
      this.onMessage(message);
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      this.connection.down();
      if (this.ws === ws) this.ws = null;
      if (!this.closed) setTimeout(() => this.connect(), 100);
    });
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
  }
}
