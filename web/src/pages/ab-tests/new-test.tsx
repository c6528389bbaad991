import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { ErrorNote, Form, Loading, Page, Section, SelectField, TextField } from '../../components/ui';
import { ChatPicker } from '../../components/chat-picker';
import { newVariant, VariantsEditor, type VariantDraft } from './variants-editor';
import { accountLabel } from '../../components/accounts';

/** A number typed in a field, or undefined when left empty (the API's default then applies). */
const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The form of a new A/B test; once created it opens the test, ready to start. */
export function NewAbTest() {
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const templates = useApi(() => unwrap(api.GET('/api/v1/templates')), []);
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [chosenAccount, setChosenAccount] = useState('');
  const [variants, setVariants] = useState<VariantDraft[]>(() => {
    const first = newVariant();
    return [first, newVariant([first])];
  });
  const [targets, setTargets] = useState<string[]>([]);
  const [samplePercent, setSamplePercent] = useState('');
  const [decideAfter, setDecideAfter] = useState('');
  const action = useAction();

  const accountList = accounts.data?.accounts ?? [];
  // Until one is chosen, the first account: the form always names the account it targets.
  const accountId = chosenAccount || accountList[0]?.id || '';
  const chooseAccount = (id: string) => {
    setChosenAccount(id);
    setTargets([]); // another account's chats are not this one's
  };

  const create = async () => {
    const sample = optionalNumber(samplePercent);
    const created = await unwrap(
      api.POST('/api/ab-tests', {
        body: {
          name,
          account_id: accountId || undefined,
          variants: variants.map((v) => ({
            name: v.name,
            ...(v.templateId ? { template_id: v.templateId } : { template: v.message }),
            weight: optionalNumber(v.weight),
          })),
          groups: targets,
          sample_percent: sample,
          decide_after_minutes: sample === undefined ? undefined : optionalNumber(decideAfter),
        },
      }),
    );
    navigate(`/${created.id}`);
  };

  return (
    <Page title="New A/B test" actions={<Link href="/">All A/B tests</Link>}>
      <Section title="Test">
        <ErrorNote error={accounts.error ?? templates.error} />
        {!accounts.data ? (
          <Loading />
        ) : accountList.length === 0 ? (
          <p>
            You have no account to send from yet. <Link href="~/accounts">Connect an account</Link> first.
          </p>
        ) : (
          <Form action={action} onSubmit={create} submitLabel="Create test" label="New A/B test">
            <TextField label="Name" value={name} onChange={setName} required maxLength={200} />
            <SelectField
              label="Account"
              value={accountId}
              onChange={chooseAccount}
              options={accountList.map((a) => ({ value: a.id, label: accountLabel(a) }))}
            />
            <VariantsEditor variants={variants} onChange={setVariants} templates={templates.data?.templates ?? []} />
            <ChatPicker accountId={accountId} selected={targets} onChange={setTargets} note="the variants split them by weight" />
            <TextField
              label="Sample percent"
              type="number"
              inputMode="numeric"
              min={1}
              max={99}
              value={samplePercent}
              onChange={setSamplePercent}
              hint="Optional: try the variants on this share of the targets first, then send the winner (or the leader) to the rest."
            />
            {samplePercent.trim() !== '' && (
              <TextField
                label="Decide after (minutes)"
                type="number"
                inputMode="decimal"
                min={0}
                step="any"
                value={decideAfter}
                onChange={setDecideAfter}
                hint="When the sample's results decide; empty for 60. Completing the test decides at once."
              />
            )}
            <p className="muted">The winner is the variant with the best delivery rate, by a two-proportion z-test (p &lt; 0.05, at least 30 sends each).</p>
          </Form>
        )}
      </Section>
    </Page>
  );
}
