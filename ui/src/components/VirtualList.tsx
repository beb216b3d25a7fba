// A small windowing list: renders only the rows in view (plus overscan), measures their real
// heights, keeps the first visible row in place when rows are added above it, and can stick to
// the bottom (timelines).
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactNode,
} from "react";
import { computeWindow, rowAt, scrollToReveal } from "../logic/windowing";

type Props<T> = {
  items: readonly T[];
  keyOf: (item: T) => string;
  estimate: (item: T) => number;
  render: (item: T, index: number) => ReactNode;
  overscan?: number;
  stickToBottom?: boolean;
  /** Told whether the list is scrolled to its end, after every scroll. */
  onAtBottom?: (atBottom: boolean) => void;
  onNearTop?: () => void;
  /** Called when scrolled close to the end (a timeline opened in its middle reads on). */
  onNearBottom?: () => void;
  /** Bring this row into view whenever it changes (a list that mounts with one starts there,
   * not at its bottom). */
  revealIndex?: number | null;
  rowProps?: (item: T, index: number) => HTMLAttributes<HTMLDivElement>;
} & Omit<HTMLAttributes<HTMLDivElement>, "children">;

export function VirtualList<T>({
  items,
  keyOf,
  estimate,
  render,
  overscan = 6,
  stickToBottom = false,
  onAtBottom,
  onNearTop,
  onNearBottom,
  revealIndex,
  rowProps,
  className,
  ...rest
}: Props<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const measured = useRef(new Map<string, number>());
  const [version, setVersion] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const atBottom = useRef(revealIndex === null || revealIndex === undefined);
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const observer = useRef<ResizeObserver | null>(null);

  const heights = useMemo(
    () => items.map((item) => measured.current.get(keyOf(item)) ?? estimate(item)),
    // version changes when a measurement changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [items, version],
  );
  const win = computeWindow(heights, scrollTop, viewport, overscan);

  useEffect(() => {
    observer.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).dataset.key;
        if (!key) continue;
        const height = Math.round(entry.borderBoxSize[0]?.blockSize ?? entry.contentRect.height);
        if (height > 0 && measured.current.get(key) !== height) {
          measured.current.set(key, height);
          changed = true;
        }
      }
      if (changed) setVersion((value) => value + 1);
    });
    const element = scroller.current;
    // Rows of the first render mounted before the observer existed: measure them too (a short
    // list whose rows all fit never mounts another, and would keep its estimates).
    element?.querySelectorAll<HTMLElement>("[data-key]").forEach((row) => observer.current?.observe(row));
    const sizeObserver = new ResizeObserver(() => {
      if (element) setViewport(element.clientHeight);
    });
    if (element) sizeObserver.observe(element);
    return () => {
      observer.current?.disconnect();
      sizeObserver.disconnect();
    };
  }, []);

  // Restore the position: bottom for a timeline at the bottom, else keep the anchor row still.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (stickToBottom && atBottom.current) {
      element.scrollTop = win.total;
    } else if (anchor.current) {
      const index = items.findIndex((item) => keyOf(item) === anchor.current?.key);
      if (index >= 0) {
        const target = (win.offsets[index] ?? 0) + anchor.current.delta;
        if (Math.abs(element.scrollTop - target) > 1) element.scrollTop = target;
      }
    }
    setScrollTop(element.scrollTop);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, version, win.total]);

  useEffect(() => {
    const element = scroller.current;
    if (revealIndex === null || revealIndex === undefined || !element) return;
    const target = scrollToReveal(win.offsets, revealIndex, element.scrollTop, element.clientHeight);
    if (target !== null) {
      element.scrollTop = target;
      setScrollTop(target);
    }
    // Keep the revealed row where it is while the rows around it get measured.
    const item = items[revealIndex];
    if (item !== undefined) {
      anchor.current = { key: keyOf(item), delta: element.scrollTop - (win.offsets[revealIndex] ?? 0) };
      atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [revealIndex]);

  const onScroll = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 48;
    onAtBottom?.(atBottom.current);
    const first = rowAt(win.offsets, element.scrollTop);
    const firstItem = items[first];
    anchor.current = firstItem ? { key: keyOf(firstItem), delta: element.scrollTop - (win.offsets[first] ?? 0) } : null;
    setScrollTop(element.scrollTop);
    if (onNearTop && element.scrollTop < 400) onNearTop();
    if (onNearBottom && element.scrollHeight - element.scrollTop - element.clientHeight < 400) onNearBottom();
  }, [items, keyOf, onAtBottom, onNearTop, onNearBottom, win.offsets]);

  const measure = useCallback((node: HTMLDivElement | null) => {
    if (node) observer.current?.observe(node);
  }, []);

  const rows: ReactNode[] = [];
  for (let index = win.start; index < win.end; index++) {
    const item = items[index];
    if (item === undefined) continue;
    const key = keyOf(item);
    rows.push(
      <div
        key={key}
        data-key={key}
        ref={measure}
        className="vlist__row"
        style={{ transform: `translateY(${win.offsets[index] ?? 0}px)` }}
        {...rowProps?.(item, index)}
      >
        {render(item, index)}
      </div>,
    );
  }

  return (
    <div ref={scroller} className={`vlist ${className ?? ""}`} onScroll={onScroll} {...rest}>
      <div className="vlist__inner" role="presentation" style={{ height: win.total }}>
        {rows}
      </div>
    </div>
  );
}
