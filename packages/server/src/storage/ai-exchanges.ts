import type { AiAskKind, AiExchangeStatus } from "@observer/protocol";
import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { AiExchangeRow } from "./schema.ts";

/** Queries on ai_exchanges (migrations/010_ai_and_github.sql): every question to the AI and its answer. */

/** An exchange with its student's name, for the teacher's log and the export. */
export type AiExchangeViewRow = AiExchangeRow & { name: string };

/**
 * Records a new question as streaming, unless the student already asked `perHour` questions
 * in the last hour (null: no limit); answers null then. Exchanges that failed (the provider's
 * fault) do not count. The student's participant row is locked meanwhile, so two questions
 * at once cannot both take the last place.
 */
export async function insertExchangeWithinLimit(
  db: Db,
  props: {
    id: string;
    sessionId: string;
    userId: string;
    kind: AiAskKind;
    mode: "hints" | "full";
    message: string;
    perHour: number | null;
  },
): Promise<AiExchangeRow | null> {
  return db.transaction().execute(async (trx) => {
    await trx
      .selectFrom("participants")
      .select("user_id")
      .where("session_id", "=", props.sessionId)
      .where("user_id", "=", props.userId)
      .forUpdate()
      .execute();
    if (props.perHour !== null) {
      const { count } = await trx
        .selectFrom("ai_exchanges")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("session_id", "=", props.sessionId)
        .where("user_id", "=", props.userId)
        .where("status", "<>", "failed")
        .where("asked_at", ">", sql<Date>`now() - interval '1 hour'`)
        .executeTakeFirstOrThrow();
      if (Number(count) >= props.perHour) return null;
    }
    return trx
      .insertInto("ai_exchanges")
      .values({
        id: props.id,
        session_id: props.sessionId,
        user_id: props.userId,
        kind: props.kind,
        mode: props.mode,
        message: props.message,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

/** The answer so far of an exchange under way. */
export async function updateExchangeAnswer(db: Db, id: string, answer: string, cut: boolean): Promise<void> {
  await db
    .updateTable("ai_exchanges")
    .set({ answer, cut })
    .where("id", "=", id)
    .where("status", "=", "streaming")
    .execute();
}

/** How an exchange ended (once: a finished exchange stays as it ended). */
export async function finishExchange(
  db: Db,
  id: string,
  props: {
    status: Exclude<AiExchangeStatus, "streaming">;
    answer: string;
    cut: boolean;
    error: string | null;
  },
): Promise<void> {
  await db
    .updateTable("ai_exchanges")
    .set({ ...props, finished_at: sql`now()` })
    .where("id", "=", id)
    .where("status", "=", "streaming")
    .execute();
}

function exchangeViews(db: Db) {
  return db
    .selectFrom("ai_exchanges")
    .innerJoin("users", "users.id", "ai_exchanges.user_id")
    .selectAll("ai_exchanges")
    .select("users.name");
}

export function findExchangeView(db: Db, id: string): Promise<AiExchangeViewRow | undefined> {
  return exchangeViews(db).where("ai_exchanges.id", "=", id).executeTakeFirst();
}

/** A session's exchanges, oldest first (at most `limit`). */
export function exchangesOfSession(db: Db, sessionId: string, limit: number): Promise<AiExchangeViewRow[]> {
  return exchangeViews(db)
    .where("ai_exchanges.session_id", "=", sessionId)
    .orderBy("ai_exchanges.asked_at")
    .orderBy("ai_exchanges.id")
    .limit(limit)
    .execute();
}

/** Where a page of `exchangesPage` ended. */
export interface ExchangesCursor {
  askedAt: Date;
  id: string;
}

/** A page of a session's exchanges, oldest first, after the cursor (the export's ai-log.csv). */
export async function exchangesPage(
  db: Db,
  sessionId: string,
  options: { after: ExchangesCursor | null; limit: number },
): Promise<{ rows: AiExchangeViewRow[]; next: ExchangesCursor | null }> {
  const { after } = options;
  // Compared and ordered at millisecond precision: the cursor is a JavaScript Date.
  const at = sql<Date>`date_trunc('milliseconds', ai_exchanges.asked_at)`;
  const rows = await exchangeViews(db)
    .where("ai_exchanges.session_id", "=", sessionId)
    .$if(after !== null, (q) =>
      q.where(sql<boolean>`(${at}, ai_exchanges.id) > (${after?.askedAt ?? null}, ${after?.id ?? null})`),
    )
    .orderBy(at)
    .orderBy("ai_exchanges.id")
    .limit(options.limit)
    .execute();
  const last = rows.at(-1);
  return {
    rows,
    next: rows.length === options.limit && last ? { askedAt: last.asked_at, id: last.id } : null,
  };
}
