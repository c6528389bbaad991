import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Checkbox, ErrorNote, Form, Loading, Page, Section, SelectField, TextField } from '../../components/ui';
import { NO_WINDOW, SendWindowFields, windowBody, type WindowDraft } from './send-window-fields';
import { newStep, StepsEditor, stepsBody, type StepDraft } from './steps-editor';
import { NO_TARGETS, TargetPicker, targetsBody, type TargetChoice } from './target-picker';
import type { CreateCampaignBody } from './types';
import { accountLabel } from '../../components/accounts';

/** A new drip campaign, created as a draft: its detail page starts it. */
export function NewCampaign() {
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const [name, setName] = useState('');
  const [chosenAccount, setAccount] = useState('');
  const [steps, setSteps] = useState<StepDraft[]>(() => [newStep()]);
  const [targets, setTargets] = useState<TargetChoice>(NO_TARGETS);
  const [sendWindow, setSendWindow] = useState<WindowDraft>(NO_WINDOW);
  const [stopOnReply, setStopOnReply] = useState(false);
  const action = useAction();
  const [, navigate] = useLocation();

  // Until one is picked, the first account is the campaign's (the API's default is the only one).
  const accountId = chosenAccount || accounts.data?.accounts[0]?.id || '';
  const changeAccount = (id: string) => {
    setAccount(id);
    // Chats belong to one account: those ticked for another would not be reachable.
    setTargets((t) => ({ ...t, chats: [] }));
  };

  const create = async () => {
    if (!name.trim()) throw new Error('Give the campaign a name.');
    if (!accountId) throw new Error('Connect an account first: a campaign sends through one.');
    const body: CreateCampaignBody = {
      name: name.trim(),
      account_id: accountId,
      steps: stepsBody(steps),
      targets: targetsBody(targets),
      stop_on_reply: stopOnReply,
      send_window: windowBody(sendWindow),
    };
    const created = await unwrap(api.POST('/api/drip-campaigns', { body }));
    navigate(`/${created.id}`);
  };

  return (
    <Page title="New drip campaign" actions={<Link href="/">All campaigns</Link>}>
      <ErrorNote error={accounts.error} />
      {!accounts.data ? (
        !accounts.error && <Loading what="Loading accounts" />
      ) : accounts.data.accounts.length === 0 ? (
        <p>
          No account yet: <Link href="~/accounts">connect one</Link> to send a campaign through.
        </p>
      ) : (
        <Section title="Campaign">
          <Form action={action} onSubmit={create} submitLabel="Create campaign" label="New drip campaign">
            <TextField label="Name" value={name} onChange={setName} maxLength={200} required />
            <SelectField
              label="Account"
              value={accountId}
              onChange={changeAccount}
              options={accounts.data.accounts.map((a) => ({ value: a.id, label: accountLabel(a) }))}
            />
            <StepsEditor steps={steps} onChange={setSteps} />
            <TargetPicker accountId={accountId} choice={targets} onChange={setTargets} />
            <SendWindowFields value={sendWindow} onChange={setSendWindow} />
            <Checkbox label="Stop a target's steps when it replies in private" checked={stopOnReply} onChange={setStopOnReply} />
          </Form>
        </Section>
      )}
    </Page>
  );
}
