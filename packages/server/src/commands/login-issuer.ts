import { startFamily } from "../auth/refresh-tokens.ts";
import type { Ctx } from "../context.ts";
import type { UserRow } from "../storage/schema.ts";

/** A fresh login: an access token and the first refresh token of a new family. */
export interface IssuedLogin {
  accessToken: string;
  refreshToken: string;
}

/** Starts a login for a user whose identity has been proven. */
export async function loginIssuer(ctx: Ctx, user: Pick<UserRow, "id" | "role">): Promise<IssuedLogin> {
  const { familyId, refreshToken } = await startFamily(ctx.db, user.id);
  const accessToken = await ctx.tokens.sign(user.id, familyId, user.role);
  return { accessToken, refreshToken };
}
