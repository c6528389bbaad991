import { useState } from 'react';
import { useApi, type Loaded } from '../../components/hooks';

/**
 * `useApi` whose polling follows its own answer: `pollMs(data)` says how often to load again
 * (undefined: not at all), so a page polls fast while a run goes on and stops once it ended.
 */
export function usePolled<T>(load: () => Promise<T>, deps: unknown[], pollMs: (data: T | undefined) => number | undefined): Loaded<T> {
  const [every, setEvery] = useState<number>();
  const loaded = useApi(load, deps, every);
  const wanted = pollMs(loaded.data);
  // Derived state, set while rendering: React renders again at once with the new interval.
  if (wanted !== every) setEvery(wanted);
  return loaded;
}
