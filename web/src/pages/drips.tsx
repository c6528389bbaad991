import { Route, Switch } from 'wouter';
import { CampaignDetail } from './drips/campaign-detail';
import { CampaignList } from './drips/campaign-list';
import { NewCampaign } from './drips/new-campaign';

/** Drip campaigns: the list at /drips, a new one at /drips/new, one campaign at /drips/:id. */
export function DripsPage() {
  return (
    <Switch>
      <Route path="/">
        <CampaignList />
      </Route>
      <Route path="/new">
        <NewCampaign />
      </Route>
      <Route path="/:id">{(params) => <CampaignDetail id={params.id} />}</Route>
    </Switch>
  );
}
