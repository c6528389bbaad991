import { z } from 'zod';
import { insertTemplate, listTemplates } from '../../db/repos/templates.repo';
import { MAX_MESSAGE_LENGTH } from '../../domain/limits';
import type { ApiDeps } from '../context';
import { present } from '../presenters';
import { ok, route } from '../route';

const CreateTemplateBody = z.object({
  name: z.string().trim().min(1).max(100),
  content: z.string().min(1).max(MAX_MESSAGE_LENGTH),
});

/** Message templates. */
export function templateRoutes({ db }: ApiDeps) {
  const list = async (userId: string) => {
    const templates = await listTemplates(db, userId);
    return ok({ templates: templates.map(present.template), count: templates.length });
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/templates',
      summary: "The caller's message templates",
      tag: 'Templates',
      handler: ({ caller }) => list(caller.user.id),
    }),
    route({
      method: 'get',
      path: '/api/templates',
      summary: "The caller's message templates (legacy path)",
      tag: 'Legacy',
      handler: ({ caller }) => list(caller.user.id),
    }),
    route({
      method: 'post',
      path: '/api/templates',
      summary: 'Create a message template',
      tag: 'Templates',
      body: CreateTemplateBody,
      handler: async ({ body, caller }) => {
        const template = await insertTemplate(db, { userId: caller.user.id, ...body });
        return ok({ id: template.id, template: present.template(template) }, 201);
      },
    }),
  ];
}
