import { api } from "../api/client.ts";

/** The access token for the collaboration provider ("" when the login is gone: the server refuses it). */
export async function collabToken(): Promise<string> {
  return (await api.freshAccessToken()) ?? "";
}

/** The access token for a session channel; `force` after the server refused the last one. */
export function channelToken(force: boolean): Promise<string | null> {
  return api.freshAccessToken(60, force);
}
