import { useState } from 'react';
import { useAction } from '../components/hooks';
import { Form, TextField } from '../components/ui';
import { useSession } from '../session';

/** Sign-in with an API key, which the API exchanges for a session cookie; the key is not kept by the page. */
export function SignInPage() {
  const { signIn } = useSession();
  const [key, setKey] = useState('');
  const action = useAction();
  return (
    <main className="sign-in" id="main">
      <h1>AutoHub</h1>
      <p className="muted">Sign in with your API key. `npm start` prints the admin key; an admin issues keys to other users.</p>
      <Form action={action} onSubmit={() => signIn(key.trim())} submitLabel="Sign in" label="Sign in">
        <TextField label="API key" type="password" autoComplete="current-password" value={key} onChange={setKey} required autoFocus />
      </Form>
    </main>
  );
}
