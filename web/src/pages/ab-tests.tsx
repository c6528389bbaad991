import { Route, Switch } from 'wouter';
import { AbTestDetail } from './ab-tests/detail';
import { AbTestList } from './ab-tests/list';
import { NewAbTest } from './ab-tests/new-test';

/** A/B tests: the list, a form for a new test, and each test with its results and decision. */
export function AbTestsPage() {
  return (
    <Switch>
      <Route path="/">
        <AbTestList />
      </Route>
      <Route path="/new">
        <NewAbTest />
      </Route>
      <Route path="/:id">{(params) => <AbTestDetail id={params.id} />}</Route>
    </Switch>
  );
}
