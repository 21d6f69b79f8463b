import { PassThrough, Readable } from "node:stream";
import { ZipFile } from "yazl";

/** A file's content as a producer makes it. */
export type ZipContent = Buffer | string | Readable;

/**
 * A zip written as it is read (yazl): each file's content is made only when the zip reaches
 * it, and the zip reaches it only as fast as its reader takes the bytes, so a producer that
 * waits on `addFile` holds a bounded part of the export at a time.
 *
 * Invariants: files are written in the order they were added; after `fail` or once the
 * reader went away (`closed`), nothing more is made and `addFile`'s promises resolve at once.
 */
export class ZipWriter {
  /** The zip's bytes, to send as the reply's body. */
  readonly stream: PassThrough;
  private readonly zip = new ZipFile();
  private done = false;
  /** The `addFile` promises not yet resolved, resolved at once when the reader goes away. */
  private readonly waiting = new Set<() => void>();

  constructor() {
    this.stream = new PassThrough();
    this.zip.outputStream.pipe(this.stream);
    this.zip.on("error", (err: Error) => this.fail(err));
    this.stream.on("close", () => {
      this.done = true;
      for (const requested of this.waiting) requested();
      this.waiting.clear();
    });
  }

  /** Whether the zip was ended, failed or its reader went away: stop producing. */
  get closed(): boolean {
    return this.done || this.stream.destroyed;
  }

  /**
   * Adds a file at `path` (folders with `/`) whose content `make` gives when the zip reaches
   * it. Resolves when `make` is called: every file added before this one has been written.
   */
  addFile(path: string, make: () => ZipContent | Promise<ZipContent>): Promise<void> {
    if (this.closed) return Promise.resolve();
    // yazl keeps every entry until the central directory is written: let go of what makes
    // the content once it is made, or every student's code would stay in memory to the end.
    let producer: typeof make | null = make;
    return new Promise((requested) => {
      // The reader going away means this file is never asked for: resolved then, so a producer stops.
      this.waiting.add(requested);
      this.zip.addReadStreamLazy(path, { mtime: new Date() }, (callback) => {
        this.waiting.delete(requested);
        requested();
        const produce = producer ?? (() => "");
        producer = null;
        Promise.resolve()
          .then(produce)
          .then((content) => callback(null, asStream(content)))
          .catch((err: unknown) => this.fail(err instanceof Error ? err : new Error(String(err))));
      });
    });
  }

  /** Writes the central directory once every added file is written; the stream then ends. */
  end(): void {
    if (this.closed) return;
    this.done = true;
    this.zip.end();
  }

  /** Stops the zip with an error: the reader's download breaks off instead of ending cleanly. */
  fail(err: Error): void {
    this.done = true;
    this.stream.destroy(err);
  }
}

function asStream(content: ZipContent): Readable {
  if (content instanceof Readable) return content;
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return Readable.from([bytes], { objectMode: false });
}
