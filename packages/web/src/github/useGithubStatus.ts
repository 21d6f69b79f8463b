import type { GithubStatusReply } from "@observer/protocol";
import { api } from "../api/client.ts";
import { type QueryState, useQuery } from "../api/useQuery.ts";

/** Whether GitHub is set up on this server and which GitHub account the logged-in user linked. */
export function useGithubStatus(): QueryState<GithubStatusReply> {
  return useQuery("github-status", () => api.call("githubStatus"));
}

/** Sends the browser to GitHub to link it to the logged-in account (the server gives the URL with a one-time state). */
export async function startGithubLink(): Promise<void> {
  const { url } = await api.call("githubLink");
  window.location.assign(url);
}
