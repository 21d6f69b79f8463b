import { z } from "zod";

/** First client message on every Observer WebSocket that is not Hocuspocus. */
export const channelAuthSchema = z.strictObject({
  type: z.literal("auth"),
  token: z.string().min(1).max(4096),
});
