import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { OpsMinute, OpsUpdate } from "../../../shared/domain/ops/view.js";
import { api } from "../api.js";
import type { AppContext, View } from "../context.js";
import { h } from "../dom.js";
import { errorBox, heading } from "./common.js";

const MINUTES = 60;
const MINUTE_MS = 60_000;
/** Countries shown apart in the login failures chart; the rest are summed as "other". */
const TOP_COUNTRIES = 5;
const PALETTE = ["#e0565b", "#2f7ed8", "#3a9d5d", "#c78a1c", "#7a5cc2", "#6b7280"];

interface Chart {
  title: string;
  testid: string;
  series: () => string[];
  values: (m: OpsMinute, label: string) => number | null;
  plot?: uPlot;
  box: HTMLElement;
  labels?: string[];
}

const minuteOf = (at: number) => Math.floor(at / MINUTE_MS) * MINUTE_MS;
const emptyMinute = (start: number): OpsMinute => ({
  minute: new Date(start).toISOString(),
  bookings: 0,
  payments: { succeeded: 0, failed: 0 },
  loginFailures: {},
  gauges: null,
});

/**
 * The operations page (admins, #/ops): the last hour from GET /admin/ops/series, then live from the
 * admins' Socket.IO feed (`ops.update`, at most once a second), drawn with uPlot (bundled, no CDN).
 * Gauges (sockets, queue, failed jobs) are carried forward from the last sample.
 */
export function opsView(app: AppContext): View {
  const status = h("p", { class: "muted", role: "status", "data-testid": "ops-status" }, "Loading the last hour…");
  const grid = h("div", { class: "ops-grid" });
  const el = h(
    "section",
    { class: "view ops", "data-testid": "ops-page" },
    heading("Operations"),
    h("p", { class: "muted" }, "The last hour, live. Gauges are sampled by the worker every few seconds."),
    status,
    grid,
  );

  let minutes: OpsMinute[] = [];
  let lastGauges: OpsMinute["gauges"] = null;
  const countryTotals = () => {
    const totals = new Map<string, number>();
    for (const m of minutes)
      for (const [c, n] of Object.entries(m.loginFailures)) totals.set(c, (totals.get(c) ?? 0) + n);
    return [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  const topCountries = () =>
    countryTotals()
      .slice(0, TOP_COUNTRIES)
      .map(([c]) => c);
  const gauge = (m: OpsMinute, key: "sockets" | "queueDepth" | "failedJobs") => (m.gauges ? m.gauges[key] : null);

  const charts: Chart[] = [
    {
      title: "Bookings per minute",
      testid: "chart-bookings",
      series: () => ["bookings"],
      values: (m) => m.bookings,
      box: h("div"),
    },
    {
      title: "Payment outcomes per minute",
      testid: "chart-payments",
      series: () => ["succeeded", "failed"],
      values: (m, s) => m.payments[s as "succeeded" | "failed"],
      box: h("div"),
    },
    {
      title: "Sockets connected",
      testid: "chart-sockets",
      series: () => ["sockets"],
      values: (m) => gauge(m, "sockets"),
      box: h("div"),
    },
    {
      title: "Queue depth and failed jobs",
      testid: "chart-jobs",
      series: () => ["queue depth", "failed jobs"],
      values: (m, s) => gauge(m, s === "queue depth" ? "queueDepth" : "failedJobs"),
      box: h("div"),
    },
    {
      title: "Login failures by country",
      testid: "chart-login-failures",
      series: () => {
        const top = topCountries();
        return countryTotals().length > top.length ? [...top, "other"] : top.length ? top : ["none"];
      },
      values: (m, s) => {
        if (s === "none") return 0;
        if (s !== "other") return m.loginFailures[s] ?? 0;
        const top = new Set(topCountries());
        return Object.entries(m.loginFailures).reduce((sum, [c, n]) => (top.has(c) ? sum : sum + n), 0);
      },
      box: h("div"),
    },
  ];
  for (const chart of charts) {
    grid.append(
      h("figure", { class: "ops-chart", "data-testid": chart.testid }, h("figcaption", {}, chart.title), chart.box),
    );
  }

  // Each chart fills its figure (two a row on a laptop screen, one on a narrow one: components.css).
  const width = (chart: Chart) => Math.max(240, chart.box.clientWidth || 480);
  const onResize = () => {
    for (const chart of charts) chart.plot?.setSize({ width: width(chart), height: 180 });
  };
  window.addEventListener("resize", onResize);

  function draw(): void {
    const xs = minutes.map((m) => Date.parse(m.minute) / 1000);
    for (const chart of charts) {
      const labels = chart.series();
      const data: uPlot.AlignedData = [xs, ...labels.map((s) => minutes.map((m) => chart.values(m, s)))];
      if (!chart.plot || chart.labels?.join() !== labels.join()) {
        chart.plot?.destroy();
        chart.labels = labels;
        chart.plot = new uPlot(
          {
            width: width(chart),
            height: 180,
            scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] } },
            series: [{}, ...labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2 }))],
            axes: [{}, { size: 40 }],
          },
          data,
          chart.box,
        );
      } else {
        chart.plot.setData(data);
      }
    }
  }

  /** Drops minutes older than the window, and adds empty ones up to now (gauges carried forward). */
  function roll(now = Date.now()): void {
    const last = minutes.length ? Date.parse(minutes[minutes.length - 1].minute) : minuteOf(now) - MINUTE_MS;
    for (let t = last + MINUTE_MS; t <= minuteOf(now); t += MINUTE_MS) {
      minutes.push({ ...emptyMinute(t), gauges: lastGauges });
    }
    minutes = minutes.slice(-MINUTES);
  }

  function apply(update: OpsUpdate): void {
    roll(Date.parse(update.at));
    const current = minutes[minutes.length - 1];
    current.bookings += update.bookings;
    current.payments.succeeded += update.payments.succeeded;
    current.payments.failed += update.payments.failed;
    for (const [c, n] of Object.entries(update.loginFailures))
      current.loginFailures[c] = (current.loginFailures[c] ?? 0) + n;
    if (update.gauges) {
      lastGauges = {
        sockets: update.gauges.sockets,
        queueDepth: update.gauges.queueDepth,
        failedJobs: update.gauges.failedJobs,
      };
      current.gauges = lastGauges;
    }
    status.textContent = `Live · last update ${new Date(update.at).toLocaleTimeString()}`;
    status.dataset.updates = String(Number(status.dataset.updates ?? 0) + 1);
    draw();
  }

  async function load(): Promise<void> {
    try {
      const series = await api.get<{ minutes: OpsMinute[] }>("/admin/ops/series", { minutes: MINUTES });
      minutes = series.minutes;
      // A minute without a sample shows the last one before it (a gauge holds until the next sample).
      for (const m of minutes) {
        if (m.gauges) lastGauges = m.gauges;
        else m.gauges = lastGauges;
      }
      status.textContent = "Live";
      status.dataset.loaded = "true";
      draw();
    } catch (err) {
      status.replaceWith(errorBox(err, "ops-error"));
    }
  }

  if (app.session.user.role !== "admin") {
    return { el: h("section", { class: "view" }, heading("Operations"), errorBox(new Error("Admins only."))) };
  }
  const stopFeed = app.live.watchOps(apply);
  const stopResync = app.live.onResync(() => void load());
  const ticker = setInterval(() => {
    const before = minutes.length ? minutes[minutes.length - 1].minute : null;
    roll();
    if (minutes.length && minutes[minutes.length - 1].minute !== before) draw();
  }, 5000);
  void load();
  return {
    el,
    dispose: () => {
      stopFeed();
      stopResync();
      clearInterval(ticker);
      window.removeEventListener("resize", onResize);
      for (const chart of charts) chart.plot?.destroy();
    },
  };
}
