import type { ReactNode } from 'react';
import { ErrorNote, Loading } from '../../components/ui';
import type { Loaded } from '../../components/hooks';

/**
 * A load's state: Loading while it runs, the API's message when it failed, else its data.
 * Stale data is not shown beside an error, so figures never pass for another period's.
 */
export function LoadState<T>({ state, what, children }: { state: Loaded<T>; what?: string; children: (data: T) => ReactNode }) {
  return (
    <>
      {state.loading && <Loading what={what} />}
      <ErrorNote error={state.error} />
      {!state.error && state.data !== undefined && children(state.data)}
    </>
  );
}
