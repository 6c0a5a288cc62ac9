import { useId } from 'react';

/** Small inline-SVG charts: no library, readable without colour, with a text alternative. */

interface BarChartProps {
  data: Array<{ label: string; value: number }>;
  title: string;
  /** Short summary read by screen readers instead of the bars. */
  summary: string;
  height?: number;
  tone?: 'bar' | 'bar-alt' | 'bar-danger';
  /** Show every n-th label under the bars (long series). */
  labelEvery?: number;
}

export function BarChart({ data, title, summary, height = 180, tone = 'bar', labelEvery = 1 }: BarChartProps) {
  const id = useId();
  const width = 640;
  const pad = { top: 12, right: 8, bottom: 28, left: 32 };
  const max = Math.max(1, ...data.map((d) => d.value));
  const niceMax = max <= 5 ? max : Math.ceil(max / 5) * 5;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const slot = innerW / Math.max(1, data.length);
  const barW = Math.max(2, Math.min(36, slot * 0.7));
  const ticks = [0, niceMax / 2, niceMax];
  return (
    <figure className="chart-figure">
      <svg viewBox={`0 0 ${width} ${height}`} className="chart" role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        {ticks.map((tick) => {
          const y = pad.top + innerH - (tick / niceMax) * innerH;
          return (
            <g key={tick}>
              <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} className="grid" />
              <text x={pad.left - 6} y={y + 4} textAnchor="end">
                {Number.isInteger(tick) ? tick : tick.toFixed(1)}
              </text>
            </g>
          );
        })}
        {data.map((d, i) => {
          const h = (d.value / niceMax) * innerH;
          const x = pad.left + i * slot + (slot - barW) / 2;
          return (
            <g key={`${d.label}-${i}`}>
              <rect x={x} y={pad.top + innerH - h} width={barW} height={Math.max(0, h)} className={tone} rx={2}>
                <title>{`${d.label}: ${d.value}`}</title>
              </rect>
              {i % labelEvery === 0 && (
                <text x={x + barW / 2} y={height - 10} textAnchor="middle">
                  {d.label}
                </text>
              )}
            </g>
          );
        })}
        <line x1={pad.left} x2={width - pad.right} y1={pad.top + innerH} y2={pad.top + innerH} className="axis" />
      </svg>
    </figure>
  );
}

/** Horizontal bars as HTML (labels can be long, and in any language). */
export function HBarList({ data, format = String }: { data: Array<{ label: string; value: number }>; format?: (n: number) => string }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <ul className="list hbars">
      {data.map((d) => (
        <li key={d.label} className="hbar">
          <span>{d.label}</span>
          <span className="hbar-track" aria-hidden="true">
            <span className="hbar-fill" style={{ width: `${(d.value / max) * 100}%`, display: 'block' }} />
          </span>
          <span className="num">{format(d.value)}</span>
        </li>
      ))}
    </ul>
  );
}
