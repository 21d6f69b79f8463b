import type { Db } from "./database.ts";

/** A linked GitHub account as stored: the token only sealed (secrets/secret-box.ts). */
export function githubAccountOf(db: Db, userId: string) {
  return db.selectFrom("github_accounts").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/** The Observer account a GitHub user is linked to. */
export function githubAccountByGithubId(db: Db, githubId: number) {
  return db
    .selectFrom("github_accounts")
    .innerJoin("users", "users.id", "github_accounts.user_id")
    .select(["users.id", "users.role", "users.active", "users.name", "users.email"])
    .where("github_accounts.github_id", "=", String(githubId))
    .executeTakeFirst();
}

/** Links (or re-links) a user's GitHub account with a new sealed token. */
export async function saveGithubAccount(
  db: Db,
  row: { userId: string; githubId: number; login: string; tokenSealed: string; scopes: string },
): Promise<void> {
  const values = {
    github_id: row.githubId,
    login: row.login,
    token_encrypted: row.tokenSealed,
    scopes: row.scopes,
  };
  await db
    .insertInto("github_accounts")
    .values({ user_id: row.userId, ...values })
    .onConflict((oc) => oc.column("user_id").doUpdateSet(values))
    .execute();
}

export async function deleteGithubAccount(db: Db, userId: string): Promise<void> {
  await db.deleteFrom("github_accounts").where("user_id", "=", userId).execute();
}
