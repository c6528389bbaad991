import { useState } from 'react';
import { api, unwrap } from '../api/client';
import { useAction, useApi } from '../components/hooks';
import { Button, DataTable, ErrorNote, Loading, Page, Section, When } from '../components/ui';
import { TemplateForm, type Template } from './templates/template-form';

/** /templates: the user's message templates, to create, change and delete. */
export function TemplatesPage() {
  const templates = useApi(() => unwrap(api.GET('/api/v1/templates')), []);
  const [editing, setEditing] = useState<Template>();
  const remove = useAction();

  const deleteTemplate = (template: Template) => {
    if (!window.confirm(`Delete the template “${template.name}”?`)) return;
    void remove.run(async () => {
      await unwrap(api.DELETE('/api/templates/{id}', { params: { path: { id: template.id } } }));
      if (editing?.id === template.id) setEditing(undefined);
      templates.reload();
    });
  };

  const edit = (template: Template) => {
    setEditing(template);
    // The form is above the list: bring it into view on a phone, where it scrolled away.
    document.getElementById('template-form')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  };

  return (
    <Page title="Templates">
      <div id="template-form">
        <Section title={editing ? `Edit “${editing.name}”` : 'New template'}>
          <TemplateForm
            key={editing?.id ?? 'new'}
            editing={editing}
            onSaved={() => {
              setEditing(undefined);
              templates.reload();
            }}
            onCancel={() => setEditing(undefined)}
          />
        </Section>
      </div>
      <Section title="Template list">
        <ErrorNote error={templates.error} />
        <ErrorNote error={remove.error} />
        {templates.loading && !templates.data ? (
          <Loading what="Loading templates" />
        ) : (
          <DataTable
            caption="Templates"
            rows={templates.data?.templates ?? []}
            rowKey={(t) => t.id}
            empty="No templates yet. Create one above."
            columns={[
              { header: 'Name', cell: (t) => t.name },
              { header: 'Content', cell: (t) => <span className="pre-wrap">{t.content}</span> },
              { header: 'Updated', cell: (t) => <When at={t.updated_at} /> },
              {
                header: 'Actions',
                cell: (t) => (
                  <div className="row">
                    <Button onClick={() => edit(t)}>
                      Edit
                    </Button>
                    <Button variant="danger" onClick={() => deleteTemplate(t)} disabled={remove.busy}>
                      Delete
                    </Button>
                  </div>
                ),
              },
            ]}
          />
        )}
      </Section>
    </Page>
  );
}
