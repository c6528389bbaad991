import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Button, ErrorNote, Form, Loading, Notice, Page, SelectField, TextArea, TextField } from '../../components/ui';
import type { CreateBody, DryRun, ScheduleType } from './describe';
import { DryRunResult } from './dry-run';
import { parseKeys, TargetPicker } from './targets';
import { accountLabel } from '../../components/accounts';

const SCHEDULES: { value: ScheduleType; label: string }[] = [
  { value: 'now', label: 'Now' },
  { value: 'interval', label: 'Interval' },
  { value: 'daily', label: 'Daily' },
];

const VARIABLES_HINT =
  'A saved template may use {{name}} (the chat or contact), {{username}}, {{date}}, {{time}} (UTC) and {{account}}, filled in for each target. ' +
  'Text typed here is sent as written.';

/** The viewer's own time zone, the likeliest one for "daily at" (the API's default is UTC). */
const localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Creating a broadcast: its account, text, image, targets and schedule, with a dry run first if wanted. */
export function CreateBroadcast() {
  const [, navigate] = useLocation();
  const accounts = useApi(() => unwrap(api.GET('/api/v1/accounts')), []);
  const templates = useApi(() => unwrap(api.GET('/api/templates')), []);
  const images = useApi(() => unwrap(api.GET('/api/v1/images')), []);

  const [chosenAccount, setAccount] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [imageId, setImageId] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [otherKeys, setOtherKeys] = useState('');
  const [schedule, setSchedule] = useState<ScheduleType>('now');
  const [everyMinutes, setEveryMinutes] = useState('60');
  const [atTime, setAtTime] = useState('09:00');
  const [timeZone, setTimeZone] = useState(localTimeZone);
  const [preview, setPreview] = useState<{ for: string; result: DryRun }>();
  const create = useAction();
  const dryRun = useAction();

  const accountList = accounts.data?.accounts ?? [];
  const accountId = chosenAccount || (accountList.find((a) => a.connected) ?? accountList[0])?.id || '';
  const templateList = templates.data?.templates ?? [];

  const chooseAccount = (id: string) => {
    setAccount(id);
    // Chat keys belong to one account (and platform): the old choice means nothing for another.
    setSelected([]);
  };
  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    const template = templateList.find((t) => t.id === id);
    if (template) setMessage(template.content);
  };
  const editMessage = (text: string) => {
    setMessage(text);
    // Edited, the text is no longer the template's: it is sent as written.
    if (templateId && text !== templateList.find((t) => t.id === templateId)?.content) setTemplateId('');
  };

  const body = (): CreateBody => ({
    account_id: accountId,
    target_keys: [...new Set([...selected, ...parseKeys(otherKeys)])],
    ...(templateId ? { template_id: templateId } : message.trim() !== '' && { message }),
    ...(imageId && { image_id: imageId }),
    ...(name.trim() && { name: name.trim() }),
    schedule_type: schedule,
    ...(schedule === 'interval' && everyMinutes.trim() !== '' && { interval_minutes: Number(everyMinutes) }),
    ...(schedule === 'daily' && { daily_time: atTime, timezone: timeZone.trim() || 'UTC' }),
  });

  const submit = async () => {
    const created = await unwrap(api.POST('/api/v1/broadcast', { body: body() }));
    // A 200 answer is a dry run; creating answers 201 with the new broadcast's id.
    if ('schedule_id' in created) navigate(`/${created.schedule_id}`);
  };
  const runDryRun = () =>
    dryRun.run(async () => {
      const asked = body();
      const result = await unwrap(api.POST('/api/v1/broadcast', { body: { ...asked, dry_run: true } }));
      if ('dry_run' in result) setPreview({ for: JSON.stringify(asked), result });
    });
  // A preview is shown only while the form still says what it was made for.
  const currentPreview = preview && preview.for === JSON.stringify(body()) ? preview.result : undefined;

  const loadError = accounts.error ?? templates.error ?? images.error;
  if (!accounts.data) {
    return (
      <Page title="New broadcast">
        <ErrorNote error={loadError} />
        {!loadError && <Loading />}
      </Page>
    );
  }
  return (
    <Page title="New broadcast" actions={<Link href="/">All broadcasts</Link>}>
      <ErrorNote error={loadError} />
      {accountList.length === 0 ? (
        <Notice>
          You have no accounts yet. <Link href="~/accounts">Add an account</Link> first.
        </Notice>
      ) : (
        <Form
          action={create}
          onSubmit={submit}
          submitLabel="Create broadcast"
          label="New broadcast"
          extraButtons={
            <Button onClick={() => void runDryRun()} disabled={dryRun.busy} aria-busy={dryRun.busy}>
              {dryRun.busy ? 'Preview (dry run)…' : 'Preview (dry run)'}
            </Button>
          }
        >
          <SelectField
            label="Account"
            value={accountId}
            onChange={chooseAccount}
            options={accountList.map((a) => ({ value: a.id, label: accountLabel(a) }))}
          />
          <TextField label="Name" value={name} onChange={setName} maxLength={200} hint="Optional, to tell it apart in the list." />
          <SelectField
            label="Template"
            value={templateId}
            onChange={chooseTemplate}
            options={[{ value: '', label: 'None: write the message' }, ...templateList.map((t) => ({ value: t.id, label: t.name }))]}
          />
          <TextArea label="Message" value={message} onChange={editMessage} hint={VARIABLES_HINT} />
          <SelectField
            label="Image"
            value={imageId}
            onChange={setImageId}
            options={[
              { value: '', label: 'No image' },
              ...(images.data?.images ?? []).map((i) => ({
                value: i.id,
                label: `${i.source_url ?? i.sha256.slice(0, 12)} (${i.mime_type}, ${Math.round(i.size_bytes / 1024)} KiB)`,
              })),
            ]}
          />
          {imageId && <p className="muted">With an image the message is its caption (at most 1024 characters), and may be left empty.</p>}
          {accountId && <TargetPicker accountId={accountId} selected={selected} onSelected={setSelected} otherKeys={otherKeys} onOtherKeys={setOtherKeys} />}
          <SelectField label="Schedule" value={schedule} onChange={setSchedule} options={SCHEDULES} />
          {schedule === 'interval' && (
            <TextField label="Every (minutes)" type="number" min="0.02" step="any" inputMode="decimal" value={everyMinutes} onChange={setEveryMinutes} />
          )}
          {schedule === 'daily' && (
            <>
              <TextField label="At (time)" type="time" value={atTime} onChange={setAtTime} />
              <TextField label="Time zone" value={timeZone} onChange={setTimeZone} hint="An IANA name, such as Europe/Berlin or UTC." />
            </>
          )}
          <ErrorNote error={dryRun.error} />
        </Form>
      )}
      {currentPreview && <DryRunResult result={currentPreview} />}
    </Page>
  );
}
