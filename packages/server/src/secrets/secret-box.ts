import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts the secrets Observer stores (AI API keys, GitHub tokens) with AES-256-GCM under the
 * install's key (OBSERVER_SECRET_KEY, or the one generated into the data dir). A sealed value
 * is `v1.<iv>.<ciphertext>.<tag>` (base64url): a fresh random IV each time, and the tag
 * authenticates it. `purpose` (e.g. `ai-key:<userId>`) is bound in as associated data, so a
 * value copied to another row or column does not open there.
 *
 * Invariants: the database and the logs only ever see sealed values; `open` of anything
 * changed, truncated or sealed under another key or purpose throws.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("SecretBox: the key is 32 bytes");
  }

  seal(plain: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(purpose, "utf8"));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    const parts = [iv, body, cipher.getAuthTag()].map((b) => b.toString("base64url"));
    return [VERSION, ...parts].join(".");
  }

  open(sealed: string, purpose: string): string {
    const [version, iv, body, tag, ...rest] = sealed.split(".");
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined || rest.length > 0)
      throw new Error("SecretBox: not a sealed value");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(purpose, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString(
      "utf8",
    );
  }
}
