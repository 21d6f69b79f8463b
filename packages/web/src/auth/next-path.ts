/**
 * The `next` parameter of /login and /register, made safe: only a path on this site
 * (starting with one "/"), never an auth page, else "/". Prevents open redirects.
 */
export function safeNext(value: string | null | undefined): string {
  if (!value?.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  const path = value.split(/[?#]/)[0] ?? "/";
  if (path === "/login" || path === "/register") return "/";
  return value;
}

/** `/login` or `/register` with `next` attached when it is not the home page. */
export function authPath(page: "/login" | "/register", next: string): string {
  return next === "/" ? page : `${page}?next=${encodeURIComponent(next)}`;
}
