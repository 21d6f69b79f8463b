import { api } from "../api/client.ts";

/**
 * The access token for the collaboration provider ("" when the login is gone: the server
 * refuses it); `force` after the server closed the socket with 4401.
 */
export async function collabToken(force = false): Promise<string> {
  return (await api.freshAccessToken(60, force)) ?? "";
}

/** The access token for a session channel; `force` after the server refused the last one. */
export function channelToken(force: boolean): Promise<string | null> {
  return api.freshAccessToken(60, force);
}
