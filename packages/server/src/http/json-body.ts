import type { FastifyInstance } from "fastify";
import { fail } from "../errors.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses JSON bodies strictly: bytes that are not valid UTF-8 are refused (400) rather than
 * silently replaced, and malformed JSON is a 400 with the error shape.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => {
    const buffer = body as Buffer;
    let text: string;
    try {
      text = utf8.decode(buffer);
    } catch {
      done(fail("invalid_encoding"), undefined);
      return;
    }
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(fail("malformed_json"), undefined);
    }
  });
}
