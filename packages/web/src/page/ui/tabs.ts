/**
 * The WAI-ARIA tabs pattern over a `role="tablist"` of buttons: one tab in the Tab order
 * (roving tabindex), arrow keys, Home and End move between tabs and select them; panels named
 * by `aria-controls` are shown or hidden when they differ between tabs.
 */
export interface Tabs {
  select(id: string, focus: boolean): void;
}

export function createTabs(list: HTMLElement, onSelect: (id: string) => void): Tabs {
  const tabs = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const controlled = new Set(tabs.map((t) => t.getAttribute("aria-controls")));
  const select = (id: string, focus: boolean): void => {
    for (const tab of tabs) {
      const selected = tab.id === id;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(tab.getAttribute("aria-controls") ?? "");
      if (panel && controlled.size > 1) panel.hidden = !selected;
      if (selected && focus) tab.focus();
    }
    onSelect(id);
  };
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab.id, false));
    tab.addEventListener("keydown", (event) => {
      const index = tabs.indexOf(tab);
      const target = keyTarget(event.key, index, tabs.length);
      if (target === undefined) return;
      event.preventDefault();
      select(tabs[target]!.id, true);
    });
  }
  return { select };
}

function keyTarget(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case "ArrowRight":
    case "ArrowDown":
      return (index + 1) % count;
    case "ArrowLeft":
    case "ArrowUp":
      return (index - 1 + count) % count;
    case "Home":
      return 0;
    case "End":
      return count - 1;
    default:
      return undefined;
  }
}
