import type { Session, User } from "@observer/protocol";
import { createContext, useContext } from "react";
import type { Classroom } from "../../../live/classroom.ts";
import type { RosterFilter, SortKey } from "./arrange.ts";

/** How the teacher arranged the dashboard; the focus view's next/previous follow it. */
export interface DashboardView {
  sort: SortKey;
  filter: RosterFilter;
}

export interface ClassroomValue {
  classroom: Classroom;
  session: Session;
  user: User;
  view: DashboardView;
  setView: (view: DashboardView) => void;
  reload: () => Promise<void>;
  /** Shows the session as a change (e.g. a class control) returned it, before the channel repeats it. */
  changed: (session: Session) => void;
}

export const ClassroomContext = createContext<ClassroomValue | null>(null);

/** The live class; only inside <LiveClassroom>. */
export function useClassroom(): ClassroomValue {
  const value = useContext(ClassroomContext);
  if (!value) throw new Error("useClassroom() used outside <LiveClassroom>");
  return value;
}
