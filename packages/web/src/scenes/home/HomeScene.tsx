import { useAuth } from "../../auth/auth-context.ts";
import { StudentHome } from "./StudentHome.tsx";
import { TeacherHome } from "./TeacherHome.tsx";

/** `/`: teachers and admins create and list sessions; students join and list theirs. */
export function HomeScene() {
  const { user } = useAuth();
  if (!user) return null;
  return user.role === "student" ? <StudentHome user={user} /> : <TeacherHome user={user} />;
}
