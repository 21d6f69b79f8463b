/** A link to a commit on GitHub, opened in a new tab. */
export function CommitLink({ url, children }: { url: string; children: string }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
    >
      {children}
    </a>
  );
}
