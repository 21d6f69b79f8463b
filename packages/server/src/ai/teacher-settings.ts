import { type AiSettings, type aiSettingsBodySchema, maskApiKey } from "@observer/protocol";
import type { z } from "zod";
import type { Actor } from "../auth/actor.ts";
import { canTeach } from "../auth/policies.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { aiKeyPurpose, findAiSettings, saveAiSettings } from "../storage/ai-settings.ts";
import type { AiSettingsRow } from "../storage/schema.ts";
import { needsApiKey, type ProviderSettings } from "./provider-model.ts";

/** The settings as GET shows them: the key only as its last 4 characters after dots. */
export function presentAiSettings(row: AiSettingsRow): AiSettings {
  return {
    provider: row.provider,
    model: row.model,
    baseUrl: row.base_url,
    apiKey:
      row.api_key_encrypted !== null && row.api_key_last4 !== null ? maskApiKey(row.api_key_last4) : null,
  };
}

function mustTeach(actor: Actor): void {
  if (!canTeach(actor)) throw fail("teachers_only", "Only teachers set up AI help.");
}

/** `GET /api/settings/ai`: the caller's settings (teachers and admins), or null. */
export async function readAiSettings(ctx: Ctx, actor: Actor): Promise<{ settings: AiSettings | null }> {
  mustTeach(actor);
  const row = await findAiSettings(ctx.db, actor.id);
  return { settings: row ? presentAiSettings(row) : null };
}

/**
 * `PUT /api/settings/ai`: the key is sealed here (AES-256-GCM, bound to the teacher) and only
 * the sealed value and its last 4 characters are stored; without `apiKey` the stored key stays,
 * `apiKey: null` removes it. Nothing of the key is logged.
 */
export async function writeAiSettings(
  ctx: Ctx,
  actor: Actor,
  body: z.output<typeof aiSettingsBodySchema>,
): Promise<{ settings: AiSettings }> {
  mustTeach(actor);
  const key =
    body.apiKey === undefined
      ? undefined
      : body.apiKey === null
        ? null
        : { sealed: ctx.secrets.seal(body.apiKey, aiKeyPurpose(actor.id)), last4: body.apiKey.slice(-4) };
  const row = await saveAiSettings(ctx.db, {
    userId: actor.id,
    provider: body.provider,
    model: body.model,
    baseUrl: body.baseUrl ?? null,
    key,
  });
  ctx.log.info(
    { userId: actor.id, provider: row.provider, model: row.model, keySet: row.api_key_encrypted !== null },
    "AI settings saved",
  );
  return { settings: presentAiSettings(row) };
}

/**
 * A teacher's settings ready for a call, the key opened (held only for the call), or null when
 * they have none, or no key for a provider that needs one.
 */
export async function providerSettingsOf(ctx: Ctx, teacherId: string): Promise<ProviderSettings | null> {
  const row = await findAiSettings(ctx.db, teacherId);
  if (!row) return null;
  const apiKey =
    row.api_key_encrypted === null ? null : ctx.secrets.open(row.api_key_encrypted, aiKeyPurpose(teacherId));
  if (apiKey === null && needsApiKey(row.provider)) return null;
  return { provider: row.provider, model: row.model, baseUrl: row.base_url, apiKey };
}
