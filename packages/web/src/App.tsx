import { BrowserRouter, Route, Routes } from "react-router";
import { AuthProvider } from "./auth/AuthProvider.tsx";
import { RequireAuth } from "./auth/RequireAuth.tsx";
import { AdminScene } from "./scenes/admin/AdminScene.tsx";
import { LoginScene } from "./scenes/auth/LoginScene.tsx";
import { RegisterScene } from "./scenes/auth/RegisterScene.tsx";
import { HomeScene } from "./scenes/home/HomeScene.tsx";
import { JoinScene } from "./scenes/join/JoinScene.tsx";
import { NotFoundScene } from "./scenes/NotFoundScene.tsx";
import { SessionScene } from "./scenes/session/SessionScene.tsx";
import { SettingsScene } from "./scenes/settings/SettingsScene.tsx";
import { StudentScene } from "./scenes/students/StudentScene.tsx";
import { Layout } from "./ui/Layout.tsx";

/** The routes of the app. Everything but the auth pages and the 404 needs a login. */
export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route element={<Layout />}>
            <Route path="login" element={<LoginScene />} />
            <Route path="register" element={<RegisterScene />} />
            <Route element={<RequireAuth />}>
              <Route index element={<HomeScene />} />
              <Route path="join/:code" element={<JoinScene />} />
              <Route path="sessions/:id/*" element={<SessionScene />} />
              <Route path="settings" element={<SettingsScene />} />
            </Route>
            <Route element={<RequireAuth roles={["teacher", "admin"]} />}>
              <Route path="students/:userId" element={<StudentScene />} />
            </Route>
            <Route element={<RequireAuth roles={["admin"]} />}>
              <Route path="admin" element={<AdminScene />} />
            </Route>
            <Route path="*" element={<NotFoundScene />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
