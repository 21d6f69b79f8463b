import { useMatch } from "react-router";

/** Pages that use the whole width of a large screen (the live session: dashboard, editors). */
export function useWideLayout(): boolean {
  return useMatch("/sessions/:id/*") !== null;
}

/** The page column's width classes for the current page. */
export function useColumnClass(): string {
  return useWideLayout() ? "max-w-[100rem]" : "max-w-6xl";
}

/** The main area's vertical padding: tighter on live pages, where the editor wants the room. */
export function useMainPaddingClass(): string {
  return useWideLayout() ? "py-5 sm:py-6" : "py-6 sm:py-10";
}
