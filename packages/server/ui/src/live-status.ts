import { useEffect, useState } from 'preact/hooks';

/**
 * Whether the page's live updates are failing: the event streams whose server said `store-error`
 * (the store cannot read its changes) and has sent nothing since. One state for the whole page,
 * however many streams its views hold, so that it shows one notice.
 */
const failing = new Set<object>();
const watchers = new Set<() => void>();

/** Marks the stream `stream` as failing (`true`, on a `store-error`) or flowing again. */
export function setStoreFailing(stream: object, isFailing: boolean): void {
  const was = failing.size > 0;
  if (isFailing) failing.add(stream);
  else failing.delete(stream);
  if (was !== failing.size > 0) for (const watch of watchers) watch();
}

/** Whether any of the page's event streams says that the store cannot be read. */
export function useStoreFailing(): boolean {
  const [isFailing, setIsFailing] = useState(failing.size > 0);
  useEffect(() => {
    const watch = () => setIsFailing(failing.size > 0);
    watchers.add(watch);
    watch();
    return () => {
      watchers.delete(watch);
    };
  }, []);
  return isFailing;
}
