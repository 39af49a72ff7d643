// The agent's week as a uPlot chart: handled calls per day as bars (left scale) and AHT as a
// line with points (right scale). Its own chunk, loaded after the page's figures; the numbers
// are also in a table beside it for screen readers, so the canvas itself is decorative.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDuration } from '../../lib/format';
import type { DayTrend } from './kpis';

const HEIGHT = 220;

// The chart's colours come from the stylesheet's custom properties, so it follows the theme.
function colours(el: Element) {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    handled: v('--chart-1', '#1d4ed8'),
    aht: v('--chart-2', '#b45309'),
    axis: v('--muted', '#4b5563'),
    grid: v('--chart-grid', '#e5e7eb'),
    surface: v('--surface', '#ffffff'),
    font: `12px ${v('--font', 'system-ui, sans-serif')}`,
  };
}

// Whole-number steps for the calls scale.
const COUNT_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];
// Minute-ish steps for the AHT scale.
const SECOND_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600];

export default function TrendChart(props: { days: DayTrend[]; labels: string[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const c = colours(el);
    const width = () => Math.max(260, el.clientWidth);
    const maxHandled = Math.max(0, ...props.days.map((d) => d.handled ?? 0));
    const maxAht = Math.max(0, ...props.days.map((d) => d.aht_s ?? 0));
    const opts: uPlot.Options = {
      width: width(),
      height: HEIGHT,
      padding: [12, 8, 0, 8],
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [-0.5, props.days.length - 0.5] },
        calls: { range: () => [0, Math.max(4, Math.ceil(maxHandled * 1.15))] },
        aht: { range: () => [0, Math.max(120, Math.ceil(maxAht * 1.2))] },
      },
      axes: [
        {
          splits: () => props.days.map((_, i) => i),
          values: (_u, splits) => splits.map((s) => props.labels[s] ?? ''),
          stroke: c.axis,
          font: c.font,
          grid: { show: false },
          ticks: { show: false },
          size: 30,
        },
        {
          scale: 'calls',
          incrs: COUNT_STEPS,
          values: (_u, splits) => splits.map((s) => String(s)),
          stroke: c.handled,
          font: c.font,
          grid: { stroke: c.grid, width: 1 },
          ticks: { show: false },
          size: 40,
        },
        {
          scale: 'aht',
          side: 1,
          incrs: SECOND_STEPS,
          values: (_u, splits) => splits.map((s) => formatDuration(s)),
          stroke: c.aht,
          font: c.font,
          grid: { show: false },
          ticks: { show: false },
          size: 48,
        },
      ],
      series: [
        {},
        {
          label: 'Calls handled',
          scale: 'calls',
          stroke: c.handled,
          fill: c.handled,
          width: 0,
          paths: uPlot.paths.bars!({ size: [0.55, 48], gap: 2 }),
          points: { show: false },
        },
        {
          label: 'AHT',
          scale: 'aht',
          stroke: c.aht,
          width: 2,
          points: { show: true, size: 8, fill: c.surface, stroke: c.aht, width: 2 },
        },
      ],
    };
    const data: uPlot.AlignedData = [props.days.map((_, i) => i), props.days.map((d) => d.handled), props.days.map((d) => d.aht_s)];
    const plot = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [props.days, props.labels]);
  return <div ref={box} class="trend-plot" aria-hidden="true" data-testid="trend-plot" />;
}
