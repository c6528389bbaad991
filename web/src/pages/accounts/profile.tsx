import { useState } from 'react';
import { api, postForm, unwrap } from '../../api/client';
import { useAction, useApi } from '../../components/hooks';
import { Button, ErrorNote, FileField, Form, Loading, Notice, Section, TextArea, TextField } from '../../components/ui';
import type { AccountDetail, Profile } from './types';

/** The account's profile on its platform: names, about, @username (Telegram) and photo. */
export function ProfileSection({ account }: { account: AccountDetail }) {
  const connected = account.status === 'connected';
  return (
    <Section title="Profile">
      {connected ? <ConnectedProfile account={account} /> : <p className="muted">The profile shows once the account is connected.</p>}
    </Section>
  );
}

function ConnectedProfile({ account }: { account: AccountDetail }) {
  const profile = useApi(() => unwrap(api.GET('/api/v1/accounts/{id}/profile', { params: { path: { id: account.id } } })), [account.id]);
  if (profile.error && !profile.data) return <ErrorNote error={profile.error} />;
  if (!profile.data) return <Loading what="Loading the profile" />;
  return (
    <>
      <ProfileForm account={account} profile={profile.data.profile} />
      <PhotoForm accountId={account.id} hasPhoto={profile.data.profile.photo} onChange={profile.reload} />
    </>
  );
}

function ProfileForm({ account, profile }: { account: AccountDetail; profile: Profile }) {
  const [firstName, setFirstName] = useState(profile.first_name);
  const [lastName, setLastName] = useState(profile.last_name);
  const [about, setAbout] = useState(profile.about);
  const [username, setUsername] = useState(profile.username ?? '');
  // The username saved last, so a save changes it only when it was edited (a change may answer 409: taken).
  const [savedUsername, setSavedUsername] = useState(profile.username ?? '');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const telegram = account.platform === 'telegram';
  const path = { id: account.id };

  const save = async () => {
    setSaved(false);
    await unwrap(api.PUT('/api/v1/accounts/{id}/profile', { params: { path }, body: { first_name: firstName, last_name: lastName, about } }));
    const wanted = username.trim().replace(/^@/, '');
    if (telegram && wanted !== savedUsername) {
      const answer = await unwrap(api.PUT('/api/v1/accounts/{id}/username', { params: { path }, body: { username: wanted } }));
      setSavedUsername(answer.username ?? '');
      setUsername(answer.username ?? '');
    }
    setSaved(true);
  };

  return (
    <Form action={action} onSubmit={save} submitLabel="Save profile" label="Profile">
      {profile.phone && <p className="muted">Phone on the platform: {profile.phone}</p>}
      <div className="grid">
        <TextField label="First name" value={firstName} onChange={setFirstName} maxLength={64} autoComplete="off" />
        <TextField label="Last name" value={lastName} onChange={setLastName} maxLength={64} autoComplete="off" />
      </div>
      <TextArea label="About" value={about} onChange={setAbout} maxLength={70} hint="At most 70 characters." />
      {telegram && (
        <TextField
          label="Username"
          value={username}
          onChange={setUsername}
          maxLength={33}
          autoComplete="off"
          hint="5–32 of a–z, 0–9 and _, without the @; empty removes it."
        />
      )}
      {saved && <Notice>Profile saved.</Notice>}
    </Form>
  );
}

/** Uploads a JPEG or PNG (at most 10 MiB) as the profile photo, or deletes every photo. */
function PhotoForm({ accountId, hasPhoto, onChange }: { accountId: string; hasPhoto: boolean; onChange: () => void }) {
  const [file, setFile] = useState<File>();
  const [inputKey, setInputKey] = useState(0);
  const upload = useAction();
  const removal = useAction();

  const send = async () => {
    if (!file) throw new Error('Photo: choose a JPEG or PNG file');
    const form = new FormData();
    form.append('photo', file);
    await postForm(`/api/v1/accounts/${encodeURIComponent(accountId)}/photo`, form);
    setFile(undefined);
    setInputKey((k) => k + 1);
    onChange();
  };
  const remove = () =>
    window.confirm('Delete every profile photo of this account?') &&
    removal.run(async () => {
      await unwrap(api.DELETE('/api/v1/accounts/{id}/photo', { params: { path: { id: accountId } } }));
      onChange();
    });

  return (
    <>
      <h3>Photo</h3>
      <p>{hasPhoto ? 'The account has a profile photo.' : 'The account has no profile photo.'}</p>
      <Form
        action={upload}
        onSubmit={send}
        submitLabel="Upload photo"
        extraButtons={
          hasPhoto && (
            <Button variant="danger" onClick={() => void remove()} disabled={removal.busy}>
              Delete photo
            </Button>
          )
        }
      >
        <FileField label="Photo" accept="image/jpeg,image/png" hint="JPEG or PNG, at most 10 MiB." resetKey={inputKey} onChange={setFile} />
      </Form>
      <ErrorNote error={removal.error} />
    </>
  );
}
