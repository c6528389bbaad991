import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import type { InboundAction } from './types';
import { accountLabel } from '../../components/accounts';

/** Something an inbound hook's action can name: its id and how the user knows it. */
export interface Choice {
  value: string;
  label: string;
}

/** The caller's accounts, broadcasts and drip campaigns: what inbound actions run on. */
export function useInboundChoices() {
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const broadcasts = useApi(() => unwrap(api.GET('/api/v1/broadcasts')), []);
  const campaigns = useApi(() => unwrap(api.GET('/api/drip-campaigns')), []);
  return {
    error: accounts.error ?? broadcasts.error ?? campaigns.error,
    accounts: (accounts.data?.accounts ?? []).map((a): Choice => ({ value: a.id, label: accountLabel(a) })),
    broadcasts: (broadcasts.data?.broadcasts ?? []).map((b): Choice => ({ value: b.id, label: b.name ?? b.message?.slice(0, 40) ?? b.id })),
    campaigns: (campaigns.data?.campaigns ?? []).map((c): Choice => ({ value: c.id, label: c.name })),
  };
}

export type InboundChoices = ReturnType<typeof useInboundChoices>;

const named = (choices: Choice[], id: string) => choices.find((c) => c.value === id)?.label ?? id;
const tagged = (tags: string[] | undefined) => (tags && tags.length > 0 ? `, tagged ${tags.join(', ')}` : '');

/** What an action does, in words, with the names of what it runs on. */
export function describeAction(action: InboundAction, choices: InboundChoices): string {
  switch (action.type) {
    case 'run_broadcast':
      return `Runs broadcast ${named(choices.broadcasts, action.broadcast_id)}`;
    case 'send_message':
      return `Sends ${action.message === undefined ? "the body's message" : `"${action.message}"`} from ${named(choices.accounts, action.account_id)} to ${
        action.target_key ?? "the body's target_key"
      }`;
    case 'upsert_contact':
      return `Creates or updates the body's contact${tagged(action.tags)}`;
    case 'enroll_drip':
      return `Enrolls the body's contact in ${named(choices.campaigns, action.campaign_id)}${tagged(action.tags)}`;
  }
}
