// Small play functions shared by stories.
import { within } from "storybook/test";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scrolls the chat list halfway down (thousands of rows in, only a screenful in the page). */
export async function scrollToMiddle({ canvasElement }: { canvasElement: HTMLElement }): Promise<void> {
  const list = await within(canvasElement).findByRole("listbox", { name: "Chats" });
  // The list settles (rows measured, the active row revealed) before it keeps a position.
  for (let attempt = 0; attempt < 20; attempt++) {
    await pause(100);
    const target = Math.round((list.scrollHeight - list.clientHeight) / 2);
    if (Math.abs(list.scrollTop - target) < list.clientHeight) return;
    list.scrollTop = target;
  }
}

/** A play function that scrolls the element with this id into view (a section far down a dialog),
 * found by id so it works in every language. */
export function scrollToId(id: string) {
  return async ({ canvasElement }: { canvasElement: HTMLElement }): Promise<void> => {
    const document = canvasElement.ownerDocument;
    for (let attempt = 0; attempt < 50; attempt++) {
      const element = document.getElementById(id);
      if (element) {
        element.scrollIntoView({ block: "start" });
        return;
      }
      await pause(50);
    }
    throw new Error(`no element #${id} to scroll to`);
  };
}
