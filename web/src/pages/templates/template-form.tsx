import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import { useAction } from '../../components/hooks';
import { Button, Form, TextArea, TextField } from '../../components/ui';

export type Template = components['schemas']['Template'];

/** The variables a template may use, as README's Broadcasts section lists them; the API refuses others. */
const VARIABLES_HINT =
  'Variables, filled in per target when a broadcast sends: {{name}} (the chat’s title or contact’s name), {{username}}, {{date}} and {{time}} (UTC), {{account}} (the sending account’s name).';

/**
 * Creates a template, or with `editing` changes that one. The parent remounts it (by key) for
 * another template, so its fields start from the template's own values.
 */
export function TemplateForm({ editing, onSaved, onCancel }: { editing: Template | undefined; onSaved: () => void; onCancel: () => void }) {
  const action = useAction();
  const [name, setName] = useState(editing?.name ?? '');
  const [content, setContent] = useState(editing?.content ?? '');

  const save = async () => {
    if (editing) {
      await unwrap(api.PUT('/api/templates/{id}', { params: { path: { id: editing.id } }, body: { name, content } }));
    } else {
      await unwrap(api.POST('/api/templates', { body: { name, content } }));
      setName('');
      setContent('');
    }
    onSaved();
  };

  return (
    <Form
      action={action}
      onSubmit={save}
      submitLabel={editing ? 'Save template' : 'Create template'}
      label={editing ? `Edit template ${editing.name}` : 'New template'}
      extraButtons={editing && <Button onClick={onCancel}>Cancel editing</Button>}
    >
      <TextField label="Name" value={name} onChange={setName} maxLength={100} required />
      <TextArea label="Content" value={content} onChange={setContent} maxLength={4096} rows={6} required hint={VARIABLES_HINT} />
    </Form>
  );
}
