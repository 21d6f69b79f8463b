import { useState } from "react";
import { Link, NavLink, useNavigate } from "react-router";
import { api } from "../api/client.ts";
import { useQuery } from "../api/useQuery.ts";
import { useAuth } from "../auth/auth-context.ts";
import { ThemeToggle } from "../theme/ThemeToggle.tsx";
import { RoleBadge } from "./Badge.tsx";
import { buttonClasses } from "./Button.tsx";
import { useColumnClass } from "./useWideLayout.ts";

const navClass = ({ isActive }: { isActive: boolean }) =>
  `rounded-md px-2.5 py-1.5 text-sm font-medium ${
    isActive
      ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white"
      : "text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
  }`;

/** The app bar: name and home link, navigation, the user's name and role, theme, logout. */
export function Header() {
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);
  const column = useColumnClass();
  // A student's settings hold only GitHub: the link shows when it is set up here.
  const config = useQuery("config", () => api.call("config"));

  const onLogout = async () => {
    setLeaving(true);
    await logout();
    setLeaving(false);
    navigate("/login", { replace: true });
  };

  return (
    <header className="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
      <div className={`mx-auto flex h-14 ${column} items-center gap-2 px-3 sm:gap-4 sm:px-6`}>
        <Link
          to="/"
          className="flex shrink-0 items-center gap-2 rounded-md font-bold text-slate-900 dark:text-white"
        >
          <img src="/favicon.svg" alt="" className="size-7" />
          <span className="text-lg tracking-tight">Observer</span>
        </Link>
        {user && (
          <nav aria-label="Main" className="flex items-center gap-1">
            <NavLink to="/" end className={(state) => `${navClass(state)} max-sm:hidden`}>
              Home
            </NavLink>
            {(user.role !== "student" || config.data?.github) && (
              <NavLink to="/settings" className={(state) => `${navClass(state)} flex items-center`}>
                {/* On a phone an icon, so the user's name keeps its room. */}
                <svg
                  viewBox="0 0 20 20"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="1.6"
                  strokeLinecap="round"
                  aria-hidden="true"
                  className="size-5 sm:hidden"
                >
                  <path d="M3 5h9M15 5h2M3 10h3M9 10h8M3 15h7M13 15h4" />
                  <circle cx="13.5" cy="5" r="1.5" />
                  <circle cx="7.5" cy="10" r="1.5" />
                  <circle cx="11.5" cy="15" r="1.5" />
                </svg>
                <span className="max-sm:sr-only">Settings</span>
              </NavLink>
            )}
            {user.role === "admin" && (
              <NavLink to="/admin" className={navClass}>
                Admin
              </NavLink>
            )}
          </nav>
        )}
        <div className="ml-auto flex min-w-0 items-center gap-1 sm:gap-3">
          {user && (
            <div className="flex min-w-0 items-center gap-2" data-testid="current-user">
              <span className="truncate text-sm font-medium text-slate-800 max-sm:max-w-[7rem] dark:text-slate-100">
                {user.name}
              </span>
              <span className="max-sm:hidden">
                <RoleBadge role={user.role} />
              </span>
            </div>
          )}
          <ThemeToggle />
          {user && (
            <button
              type="button"
              onClick={onLogout}
              disabled={leaving}
              className={buttonClasses("ghost", "px-2.5 py-1.5 whitespace-nowrap sm:px-3")}
            >
              Log out
            </button>
          )}
        </div>
      </div>
    </header>
  );
}
