import type { components } from '../../api/schema';

type Schemas = components['schemas'];
export type AnalyticsDay = Schemas['AnalyticsDay'];
export type AnalyticsGroups = Schemas['AnalyticsGroups'];
export type AnalyticsGroup = Schemas['AnalyticsGroup'];
export type AnalyticsAccount = Schemas['AnalyticsAccount'];
export type PeakHour = Schemas['PeakHour'];
