import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { Form, Notice, Section, TextField } from '../../components/ui';
import { QrImage } from './qr-image';
import { StatusBadge } from './status-badge';
import type { AccountDetail } from './types';

type LoginBody = NonNullable<paths['/api/v1/accounts/{id}/login']['post']['requestBody']>['content']['application/json'];

/** One step of a login (a code, a password, or a new login); the account's new state shows on reload. */
function useLoginStep(accountId: string, onChange: () => void) {
  return async (body: LoginBody) => {
    await unwrap(api.POST('/api/v1/accounts/{id}/login', { params: { path: { id: accountId } }, body }));
    onChange();
  };
}

/**
 * Connecting a real account: where its login stands (the detail page polls the account every 2 s
 * while it waits), the step it waits for, and a way to start a new login.
 */
export function LoginSection({ account, onChange }: { account: AccountDetail; onChange: () => void }) {
  const connected = account.status === 'connected';
  return (
    <Section title="Login">
      <p>
        Login state: <StatusBadge status={account.status} login={account.login} />
      </p>
      {account.login_error && (
        <p className="error" role="alert">
          The last login failed: {account.login_error}
        </p>
      )}
      {connected ? (
        <Notice>The account is logged in and connected.</Notice>
      ) : (
        <>
          <CurrentStep account={account} onChange={onChange} />
          <h3>{waitsForSomeone(account) ? 'Or start a new login' : 'Start a login'}</h3>
          {account.platform === 'telegram' ? <StartTelegramLogin account={account} onChange={onChange} /> : <StartWhatsAppLogin account={account} onChange={onChange} />}
        </>
      )}
    </Section>
  );
}

function waitsForSomeone(account: AccountDetail): boolean {
  return account.status === 'code_sent' || account.status === 'qr' || account.status === 'password_required';
}

/** What the login waits for now: a QR scan, a pairing code typed on the phone, the login code or the 2FA password. */
function CurrentStep({ account, onChange }: { account: AccountDetail; onChange: () => void }) {
  if (account.status === 'qr' && account.qr) return <QrStep account={account} qr={account.qr} />;
  if (account.status === 'code_sent' && (account.login === 'pairing_code' || account.pairing_code)) return <PairingStep code={account.pairing_code} />;
  if (account.status === 'code_sent') return <CodeStep account={account} onChange={onChange} />;
  if (account.status === 'password_required') return <PasswordStep account={account} onChange={onChange} />;
  return null;
}

function QrStep({ account, qr }: { account: AccountDetail; qr: string }) {
  const whatsapp = account.platform === 'whatsapp';
  return (
    <div>
      <p>
        {whatsapp
          ? 'On the phone, open WhatsApp → Settings → Linked devices → Link a device, and scan this code.'
          : 'On the phone, open Telegram → Settings → Devices → Link Desktop Device, and scan this code.'}{' '}
        The code changes every few seconds; this page follows it.
      </p>
      <QrImage text={qr} alt={whatsapp ? 'WhatsApp login QR code' : 'Telegram login QR code'} />
      {account.qr_url && (
        <p>
          On a device where Telegram is installed: <a href={account.qr_url}>open the login link in Telegram</a>.
        </p>
      )}
    </div>
  );
}

function PairingStep({ code }: { code: string | undefined }) {
  return (
    <div role="status" aria-live="polite">
      <p>On the phone, open WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, and type this code:</p>
      {code ? (
        <p>
          Pairing code: <strong data-testid="pairing-code">{code}</strong>
        </p>
      ) : (
        <p className="muted">Waiting for WhatsApp to give the pairing code…</p>
      )}
    </div>
  );
}

function CodeStep({ account, onChange }: { account: AccountDetail; onChange: () => void }) {
  const [code, setCode] = useState('');
  const action = useAction();
  const step = useLoginStep(account.id, onChange);
  return (
    <Form action={action} onSubmit={() => step({ code: code.trim() })} submitLabel="Confirm code">
      <p className="muted">Telegram sent a login code{account.phone ? ` for ${account.phone}` : ''} (in the Telegram app, or by SMS).</p>
      <TextField label="Code" value={code} onChange={setCode} inputMode="numeric" autoComplete="one-time-code" maxLength={32} />
    </Form>
  );
}

function PasswordStep({ account, onChange }: { account: AccountDetail; onChange: () => void }) {
  const [password, setPassword] = useState('');
  const action = useAction();
  const step = useLoginStep(account.id, onChange);
  return (
    <Form action={action} onSubmit={() => step({ password })} submitLabel="Confirm password">
      <p className="muted">The account has two-step verification: give its cloud password.</p>
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        maxLength={256}
        hint={account.hint ? `Hint: ${account.hint}` : undefined}
      />
    </Form>
  );
}

function StartTelegramLogin({ account, onChange }: { account: AccountDetail; onChange: () => void }) {
  const [phone, setPhone] = useState(account.phone ?? '');
  const byPhone = useAction();
  const byQr = useAction();
  const step = useLoginStep(account.id, onChange);
  return (
    <div className="grid">
      <Form action={byPhone} onSubmit={() => step({ login: 'phone', phone: phone.trim() || undefined })} submitLabel="Send code">
        <TextField label="Phone" type="tel" autoComplete="tel" value={phone} onChange={setPhone} placeholder="+14155550123" hint="Telegram sends a login code to this number." />
      </Form>
      <Form action={byQr} onSubmit={() => step({ login: 'qr' })} submitLabel="Show a QR code">
        <p className="muted">Or scan a QR code with Telegram on a phone where the account is logged in.</p>
      </Form>
    </div>
  );
}

function StartWhatsAppLogin({ account, onChange }: { account: AccountDetail; onChange: () => void }) {
  const [phone, setPhone] = useState(account.phone ?? '');
  const byQr = useAction();
  const byPairing = useAction();
  const step = useLoginStep(account.id, onChange);
  return (
    <div className="grid">
      <Form action={byQr} onSubmit={() => step({ login: 'qr' })} submitLabel="Show a QR code">
        <p className="muted">Scan a QR code with WhatsApp on the phone.</p>
      </Form>
      <Form action={byPairing} onSubmit={() => step({ login: 'pairing_code', phone: phone.trim() || undefined })} submitLabel="Get a pairing code">
        <TextField label="Phone" type="tel" autoComplete="tel" value={phone} onChange={setPhone} placeholder="+4915112345678" hint="The account's number; WhatsApp answers a code to type on that phone." />
      </Form>
    </div>
  );
}
