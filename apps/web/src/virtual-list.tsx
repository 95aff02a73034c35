/**
 * A virtualized list: only the rows in view (and a few around them) are in the page, so 10,000
 * items scroll as smoothly as ten. Rows have one fixed height; the list scrolls inside its own box.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

const OVERSCAN = 8;

export const VirtualList = <T,>(props: {
  readonly items: readonly T[];
  readonly rowHeight: number;
  readonly label: string;
  readonly keyOf: (item: T) => string;
  readonly renderRow: (item: T) => ComponentChildren;
}) => {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const resize = new ResizeObserver(() => setHeight(element.clientHeight));
    resize.observe(element);
    return () => resize.disconnect();
  }, []);
  const { items, rowHeight } = props;
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  return (
    <div class="virtual" ref={box} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <ul
        aria-label={props.label}
        style={{ height: `${items.length * rowHeight}px`, position: "relative" }}
      >
        {items.slice(first, last).map((item, offset) => (
          <li
            key={props.keyOf(item)}
            aria-setsize={items.length}
            aria-posinset={first + offset + 1}
            style={{ top: `${(first + offset) * rowHeight}px`, height: `${rowHeight}px` }}
          >
            {props.renderRow(item)}
          </li>
        ))}
      </ul>
    </div>
  );
};
