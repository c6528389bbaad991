import { Route, Switch } from 'wouter';
import { CreateBroadcast } from './broadcasts/create';
import { BroadcastDetail } from './broadcasts/detail';
import { BroadcastList } from './broadcasts/list';

/** Broadcasts, mounted at /broadcasts: the list, a new one, and one broadcast with its runs. */
export function BroadcastsPage() {
  return (
    <Switch>
      <Route path="/">
        <BroadcastList />
      </Route>
      <Route path="/new">
        <CreateBroadcast />
      </Route>
      <Route path="/:id">{(params) => <BroadcastDetail id={params.id} />}</Route>
    </Switch>
  );
}
