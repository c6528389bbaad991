import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import type { AnalyticsDay } from './types';

// Only the parts this chart uses, so the rest of chart.js stays out of the bundle.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const SENT = '#0b5cad';
const FAILED = '#b42318';
const RATE = '#1a7f37';

/** Messages sent and failed per day as stacked bars, the delivery rate as a line on a 0–100 % axis. */
export function DailyChart({ days, description }: { days: AnalyticsDay[]; description: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
    const chart = new Chart<'bar' | 'line', (number | null)[], string>(canvas.current, {
      type: 'bar',
      data: {
        labels: days.map((d) => d.date),
        datasets: [
          { type: 'bar', label: 'Sent', data: days.map((d) => d.sent), backgroundColor: SENT, stack: 'messages', yAxisID: 'y' },
          { type: 'bar', label: 'Failed', data: days.map((d) => d.failed), backgroundColor: FAILED, stack: 'messages', yAxisID: 'y' },
          {
            type: 'line',
            label: 'Delivery rate (%)',
            data: days.map((d) => (d.delivery_rate === null ? null : Math.round(d.delivery_rate * 1000) / 10)),
            borderColor: RATE,
            backgroundColor: RATE,
            spanGaps: true,
            yAxisID: 'y1',
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion ? false : undefined,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Messages' }, ticks: { precision: 0 } },
          y1: {
            position: 'right',
            min: 0,
            max: 100,
            title: { display: true, text: 'Delivery rate' },
            ticks: { callback: (value) => `${value}%` },
            grid: { drawOnChartArea: false },
          },
        },
      },
    });
    return () => chart.destroy();
  }, [days]);

  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={description}>
        {description}
      </canvas>
    </div>
  );
}
