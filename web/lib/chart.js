// ECharts (embedded from npm as /web/vendor/echarts.min.js, loaded by
// index.html as a classic script that defines window.echarts).  Series
// and axis names are data; ECharts draws them on a canvas, as text.
import { h } from './dom.js';
import { t } from './i18n.js';

// A chart in a new element: { el, update(option) }.  cleanup(fn) gets the
// disposal.  label names the chart for screen readers (role="img").
export function chart(label, option, cleanup, height = 260) {
  const el = h('div', { class: 'chart', role: 'img', 'aria-label': label });
  el.style.height = `${height}px`;
  let inst = null;
  const start = () => {
    if (!window.echarts) {
      el.textContent = t('chart.unavailable');
      return;
    }
    inst = window.echarts.init(el, null, { renderer: 'canvas' });
    inst.setOption(option);
  };
  // The element must be in the document (sized) first.
  requestAnimationFrame(start);
  const onResize = () => inst && inst.resize();
  window.addEventListener('resize', onResize);
  cleanup(() => {
    window.removeEventListener('resize', onResize);
    if (inst) inst.dispose();
  });
  return {
    el,
    update(o) { if (inst) inst.setOption(o, true); else option = o; },
  };
}

export function barOption(categories, series, o = {}) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: series.length > 1 ? { top: 0 } : undefined,
    grid: { left: 48, right: 16, top: series.length > 1 ? 32 : 16, bottom: 40 },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: o.interval ?? 'auto' } },
    yAxis: { type: 'value', minInterval: 1, max: o.max },
    series: series.map((s) => ({ type: o.line ? 'line' : 'bar', stack: o.stack, name: s.name, data: s.data })),
  };
}
