import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/** Rows drawn beyond the visible ones, above and below, so fast scrolling shows no gap. */
const OVERSCAN = 8;

/**
 * A scrolling list that renders only the rows in view (plus a few): 10,000 rows cost what 40 do.
 * Every row has the same height.
 */
export function VirtualRows({
  count,
  rowHeight,
  height,
  header,
  row,
}: {
  count: number;
  rowHeight: number;
  height: number;
  header: ComponentChildren;
  row: (index: number) => ComponentChildren;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((top + height) / rowHeight) + OVERSCAN);
  const shown: ComponentChildren[] = [];
  for (let i = first; i < last; i++) shown.push(row(i));
  return (
    <div
      class="virtual"
      style={{ height: `${height}px` }}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)}
    >
      {header}
      <div class="virtual-body" style={{ height: `${count * rowHeight}px` }}>
        <div style={{ transform: `translateY(${first * rowHeight}px)` }}>{shown}</div>
      </div>
    </div>
  );
}
