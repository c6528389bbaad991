import type { ComponentType } from 'react';
import { AbTestsPage } from './ab-tests';
import { AccountsPage } from './accounts';
import { AdminPage } from './admin';
import { AnalyticsPage } from './analytics';
import { AntispamPage } from './antispam';
import { AutoRepliesPage } from './auto-replies';
import { BroadcastsPage } from './broadcasts';
import { ChatsPage } from './chats';
import { ContactsPage } from './contacts';
import { DripsPage } from './drips';
import { HomePage } from './home';
import { ImagesPage } from './images';
import { ScanPage } from './scan';
import { TemplatesPage } from './templates';
import { WebhooksPage } from './webhooks';
import { WelcomePage } from './welcome';

/**
 * Every page of the dashboard, in the order of its navigation. A page is mounted at `path` and
 * routes below it itself (wouter's nested routes: `/` is the page, `/:id` one of its items).
 */
export interface PageEntry {
  path: string;
  title: string;
  component: ComponentType;
  adminOnly?: boolean;
}

export const PAGES: PageEntry[] = [
  { path: '/', title: 'Overview', component: HomePage },
  { path: '/accounts', title: 'Accounts', component: AccountsPage },
  { path: '/chats', title: 'Chats', component: ChatsPage },
  { path: '/broadcasts', title: 'Broadcasts', component: BroadcastsPage },
  { path: '/templates', title: 'Templates', component: TemplatesPage },
  { path: '/images', title: 'Images', component: ImagesPage },
  { path: '/scan', title: 'Scan & discover', component: ScanPage },
  { path: '/auto-replies', title: 'Auto-replies', component: AutoRepliesPage },
  { path: '/welcome', title: 'Welcome & goodbye', component: WelcomePage },
  { path: '/antispam', title: 'Anti-spam', component: AntispamPage },
  { path: '/contacts', title: 'Contacts', component: ContactsPage },
  { path: '/drips', title: 'Drip campaigns', component: DripsPage },
  { path: '/ab-tests', title: 'A/B tests', component: AbTestsPage },
  { path: '/webhooks', title: 'Webhooks', component: WebhooksPage },
  { path: '/analytics', title: 'Analytics', component: AnalyticsPage },
  { path: '/admin', title: 'Users & keys', component: AdminPage, adminOnly: true },
];
