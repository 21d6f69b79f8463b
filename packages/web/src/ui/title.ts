/**
 * The tab's title: the scene's own ("<title> · Observer") with an optional badge in front,
 * e.g. "(2 ✋) Lab 3 · Observer" while hands wait in a tab the teacher is not looking at.
 * One owner, so a scene changing its title keeps the badge and the other way round.
 */
let base = "Observer";
let badge: string | null = null;

const render = () => {
  document.title = badge ? `(${badge}) ${base}` : base;
};

export function setTitleBase(title: string): void {
  base = title ? `${title} · Observer` : "Observer";
  render();
}

export function setTitleBadge(next: string | null): void {
  badge = next;
  render();
}
