import type { CSSProperties } from 'react';
import { api, unwrap } from '../../api/client';
import { useApi } from '../../components/hooks';
import { DataTable, Section } from '../../components/ui';
import { formatCount, formatRate } from './format';
import { LoadState } from './load-state';
import type { Period } from './period';
import type { PeakHour } from './types';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);
const SHADE = [11, 92, 173]; // the accent colour, #0b5cad

/** The viewer's own time zone, so the hours of the week are on their clock. */
const viewerTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** WCAG relative luminance of an sRGB colour. */
function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * A cell's shade: the accent over white with an alpha of count / max, and whichever text colour,
 * dark or white, contrasts more with the colour that results.
 */
function shade(count: number, max: number): CSSProperties {
  if (count === 0 || max === 0) return {};
  const alpha = 0.12 + 0.88 * (count / max);
  const blended = SHADE.map((c) => Math.round(255 - alpha * (255 - c)));
  const background = luminance(blended);
  const onDark = 1.05 / (background + 0.05);
  const onLight = (background + 0.05) / (luminance([27, 31, 36]) + 0.05);
  return { backgroundColor: `rgba(${SHADE.join(', ')}, ${alpha.toFixed(2)})`, color: onDark > onLight ? '#ffffff' : '#1b1f24' };
}

/** Messages sent per hour of the week, as a heatmap, with the API's ranking of the best hours. */
export function PeakHoursSection({ period }: { period: Period }) {
  const peaks = useApi(
    () => unwrap(api.GET('/api/analytics/peak-hours', { params: { query: { days: period.days, timezone: viewerTimeZone } } })),
    [period.days],
  );
  return (
    <Section title="Peak hours">
      <LoadState state={peaks} what="Loading the peak hours">
        {(p) => (
          <>
            <p className="muted">
              Messages sent in each hour of the week over the last {p.days} UTC days, on the clock of {p.timezone}; the darker the cell, the more were sent.
            </p>
            <Heatmap hours={p.peak_hours} />
            <h3>Best hours</h3>
            <DataTable
              caption="Best hours"
              columns={[
                { header: 'Day', cell: (h) => h.day },
                { header: 'Hour', cell: (h) => `${String(h.hour).padStart(2, '0')}:00` },
                { header: 'Sent', cell: (h) => formatCount(h.sent) },
                { header: 'Failed', cell: (h) => formatCount(h.failed) },
                { header: 'Delivery rate', cell: (h) => formatRate(h.delivery_rate) },
              ]}
              rows={p.peak_hours.slice(0, 5)}
              rowKey={(h) => `${h.weekday}-${h.hour}`}
              empty="No messages in this period."
            />
          </>
        )}
      </LoadState>
    </Section>
  );
}

function Heatmap({ hours }: { hours: PeakHour[] }) {
  const byCell = new Map(hours.map((h) => [`${h.weekday}-${h.hour}`, h]));
  const max = Math.max(0, ...hours.map((h) => h.sent));
  // Positioned, so the visually hidden texts inside stay within the scrolling box instead of widening the page.
  return (
    <div className="table-wrap" style={{ position: 'relative' }} tabIndex={0} role="region" aria-label="Peak hours heatmap">
      <table className="heatmap">
        <caption className="visually-hidden">Peak hours</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            {HOURS.map((hour) => (
              <th key={hour} scope="col">
                {hour}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, index) => (
            <tr key={day}>
              <th scope="row">{day}</th>
              {HOURS.map((hour) => {
                const cell = byCell.get(`${index + 1}-${hour}`);
                const sent = cell?.sent ?? 0;
                return (
                  <td key={hour} className={sent === 0 ? 'muted' : undefined} style={shade(sent, max)} title={cell ? `${day} ${hour}:00: ${cell.sent} sent, ${cell.failed} failed, ${formatRate(cell.delivery_rate)} delivered` : undefined}>
                    {sent}
                    {cell && <span className="visually-hidden"> sent, {cell.failed} failed</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
