// The math of a virtual list with rows of different heights.

export type Window = {
  /** First rendered row (inclusive). */
  start: number;
  /** Last rendered row (exclusive). */
  end: number;
  /** offsets[i] is the top of row i; offsets[count] is the total height. */
  offsets: number[];
  total: number;
};

export function prefixOffsets(heights: readonly number[]): number[] {
  const offsets = new Array<number>(heights.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = (offsets[i] ?? 0) + (heights[i] ?? 0);
  return offsets;
}

/** The row whose span contains `y` (clamped to the rows there are). */
export function rowAt(offsets: readonly number[], y: number): number {
  const count = offsets.length - 1;
  if (count <= 0) return 0;
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

export function computeWindow(
  heights: readonly number[],
  scrollTop: number,
  viewport: number,
  overscan: number,
): Window {
  const offsets = prefixOffsets(heights);
  const total = offsets[heights.length] ?? 0;
  if (heights.length === 0) return { start: 0, end: 0, offsets, total };
  const first = rowAt(offsets, Math.max(0, scrollTop));
  const last = rowAt(offsets, Math.max(0, scrollTop + viewport - 1));
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(heights.length, last + 1 + overscan),
    offsets,
    total,
  };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToReveal(
  offsets: readonly number[],
  index: number,
  scrollTop: number,
  viewport: number,
): number | null {
  const top = offsets[index] ?? 0;
  const bottom = offsets[index + 1] ?? top;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return null;
}
