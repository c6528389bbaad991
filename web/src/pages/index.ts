import { lazy, type ComponentType } from 'react';
import { HomePage } from './home';

// Each page but the overview is its own chunk, loaded when first shown: the charts, say, only with analytics.
const AbTestsPage = lazy(() => import('./ab-tests').then((m) => ({ default: m.AbTestsPage })));
const AccountsPage = lazy(() => import('./accounts').then((m) => ({ default: m.AccountsPage })));
const AdminPage = lazy(() => import('./admin').then((m) => ({ default: m.AdminPage })));
const AnalyticsPage = lazy(() => import('./analytics').then((m) => ({ default: m.AnalyticsPage })));
const AntispamPage = lazy(() => import('./antispam').then((m) => ({ default: m.AntispamPage })));
const AutoRepliesPage = lazy(() => import('./auto-replies').then((m) => ({ default: m.AutoRepliesPage })));
const BroadcastsPage = lazy(() => import('./broadcasts').then((m) => ({ default: m.BroadcastsPage })));
const ChatsPage = lazy(() => import('./chats').then((m) => ({ default: m.ChatsPage })));
const ContactsPage = lazy(() => import('./contacts').then((m) => ({ default: m.ContactsPage })));
const DripsPage = lazy(() => import('./drips').then((m) => ({ default: m.DripsPage })));
const ImagesPage = lazy(() => import('./images').then((m) => ({ default: m.ImagesPage })));
const ScanPage = lazy(() => import('./scan').then((m) => ({ default: m.ScanPage })));
const TemplatesPage = lazy(() => import('./templates').then((m) => ({ default: m.TemplatesPage })));
const WebhooksPage = lazy(() => import('./webhooks').then((m) => ({ default: m.WebhooksPage })));
const WelcomePage = lazy(() => import('./welcome').then((m) => ({ default: m.WelcomePage })));

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
