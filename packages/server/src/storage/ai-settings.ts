import type { AiProvider } from "@observer/protocol";
import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { AiSettingsRow } from "./schema.ts";

/**
 * Queries on ai_settings (migrations/010_ai_and_github.sql): a teacher's AI provider. The key
 * is only ever here sealed (secrets/secret-box.ts, purpose `aiKeyPurpose`), with its last 4
 * characters beside it to show it masked; nothing here sees the plain key.
 */

/** The purpose a teacher's API key is sealed under: a sealed key copied to another row does not open. */
export const aiKeyPurpose = (userId: string) => `ai-key:${userId}`;

export function findAiSettings(db: Db, userId: string): Promise<AiSettingsRow | undefined> {
  return db.selectFrom("ai_settings").selectAll().where("user_id", "=", userId).executeTakeFirst();
}

/**
 * Creates or changes a teacher's settings. `key`: a sealed key and its last 4 characters,
 * null to remove it, undefined to keep the stored one.
 */
export async function saveAiSettings(
  db: Db,
  props: {
    userId: string;
    provider: AiProvider;
    model: string;
    baseUrl: string | null;
    key: { sealed: string; last4: string } | null | undefined;
  },
): Promise<AiSettingsRow> {
  const keyColumns =
    props.key === undefined
      ? {}
      : { api_key_encrypted: props.key?.sealed ?? null, api_key_last4: props.key?.last4 ?? null };
  return db
    .insertInto("ai_settings")
    .values({
      user_id: props.userId,
      provider: props.provider,
      model: props.model,
      base_url: props.baseUrl,
      api_key_encrypted: props.key?.sealed ?? null,
      api_key_last4: props.key?.last4 ?? null,
    })
    .onConflict((oc) =>
      oc.column("user_id").doUpdateSet({
        provider: props.provider,
        model: props.model,
        base_url: props.baseUrl,
        ...keyColumns,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
