// A uPlot line chart of service level over the report's intervals; resizes with its box.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData } from './model';

// Distinguishable on white, each at least 3:1 against it (WCAG non-text contrast).
const COLORS = ['#1d4ed8', '#b45309', '#047857', '#b91c1c', '#6d28d9', '#0e7490', '#be185d', '#4d7c0f'];

export function ServiceLevelChart(props: { data: ChartData; title: string; formatX: (unixSeconds: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(280, el.clientWidth);
    const opts: uPlot.Options = {
      width: width(),
      height: 260,
      padding: [8, 48, 0, 0], // room for the last date label
      scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [
        {
          // Ticks on interval starts only, thinned to fit the width (about 110 px a label).
          splits: (u) => {
            const xs = props.data.x;
            const step = Math.max(1, Math.ceil(xs.length / Math.max(2, Math.floor(u.width / 110))));
            return xs.filter((_, i) => i % step === 0);
          },
          values: (_u, splits) => splits.map((s) => props.formatX(s)),
          stroke: '#374151',
          grid: { stroke: '#e5e7eb' },
        },
        { values: (_u, splits) => splits.map((s) => s + ' %'), stroke: '#374151', grid: { stroke: '#e5e7eb' }, size: 56 },
      ],
      series: [
        { label: 'Interval', value: (_u, v) => (v === null || v === undefined ? '—' : props.formatX(v)) },
        ...props.data.series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          points: { show: props.data.x.length < 40 },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : v.toFixed(1) + ' %'),
        })),
      ],
    };
    const data = [props.data.x, ...props.data.series.map((s) => s.values)] as uPlot.AlignedData;
    const plot = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: width(), height: 260 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [props.data]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} role="img" aria-label={`${props.title}: line chart; the same figures are in the table below.`} />
    </figure>
  );
}
