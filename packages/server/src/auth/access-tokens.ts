import { randomUUID } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { fail } from "../errors.ts";

/** Access tokens live 15 minutes; the refresh cookie renews them. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = "observer";
const AUDIENCE = "observer-api";

const claimsSchema = z.object({
  sub: z.uuid(),
  jti: z.uuid(),
  /** The login (refresh family) this token belongs to. */
  fid: z.uuid(),
  exp: z.number(),
});
export type AccessClaims = z.infer<typeof claimsSchema>;

/** Signs and verifies access JWTs (HS256 only: `alg: none` and other algorithms are refused). */
export class AccessTokens {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(userId: string, familyId: string, role: string): Promise<string> {
    return new SignJWT({ fid: familyId, role })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
      .sign(this.key);
  }

  /** Returns the verified claims or throws `token_invalid`. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw fail("token_invalid");
      return claims.data;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw fail("token_invalid", "Your login has expired.");
      throw fail("token_invalid");
    }
  }
}
