/** `ws(s)://<this host><path>`: WebSockets go to the page's own origin (proxied by Vite in dev). */
export function webSocketUrl(
  path: string,
  location: Pick<Location, "protocol" | "host"> = window.location,
): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`;
}
