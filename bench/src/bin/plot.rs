//! Draws the JSON of `workloads --json` as two SVG charts:
//!
//! * `phases.svg`: per-phase prove time of each workload, one panel per
//!   backend (each with its own time axis: the backends differ by 50x);
//! * `cells_per_second.svg`: trace cells proved per second, by workload
//!   and backend, on a log scale.
//!
//! ```text
//! cargo run --release -p stark-hal-bench --bin plot -- workloads.json OUT_DIR
//! ```
//!
//! The SVG is written by hand (rectangles, lines and text), so the charts
//! depend on nothing but the JSON.

use serde_json::Value;
use std::fmt::Write as _;
use std::process::ExitCode;

type PlotResult<T> = Result<T, Box<dyn std::error::Error>>;

const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// One workload's measurements on one backend.
struct Bar {
    workload: String,
    phases: Vec<(String, f64)>,
    cells_per_second: f64,
}

/// Every backend's bars, in the JSON's order.
fn read(json: &Value) -> PlotResult<Vec<(String, Vec<Bar>)>> {
    let workloads = json["workloads"]
        .as_array()
        .ok_or("no `workloads` array in the JSON")?;
    let mut backends: Vec<(String, Vec<Bar>)> = Vec::new();
    for w in workloads {
        let name = w["workload"].as_str().ok_or("a workload without a name")?;
        let per_backend = w["backends"]
            .as_object()
            .ok_or("a workload without backends")?;
        for (backend, m) in per_backend {
            let phases = m["phases"]
                .as_array()
                .ok_or("a backend without phases")?
                .iter()
                .map(|p| {
                    let n = p["name"].as_str().unwrap_or("?").to_string();
                    (n, p["seconds"].as_f64().unwrap_or(0.0))
                })
                .collect();
            let bar = Bar {
                workload: name.to_string(),
                phases,
                cells_per_second: m["cells_per_second"].as_f64().unwrap_or(0.0),
            };
            match backends.iter_mut().find(|(b, _)| b == backend) {
                Some((_, bars)) => bars.push(bar),
                None => backends.push((backend.clone(), vec![bar])),
            }
        }
    }
    Ok(backends)
}

struct Svg(String);

impl Svg {
    fn new(width: f64, height: f64) -> Svg {
        Svg(format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
             font-family=\"sans-serif\" font-size=\"12\">\n\
             <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        ))
    }
    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, title: &str) {
        let _ = writeln!(
            self.0,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{fill}\"><title>{title}</title></rect>"
        );
    }
    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) {
        let _ = writeln!(
            self.0,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\"/>"
        );
    }
    fn text(&mut self, x: f64, y: f64, anchor: &str, s: &str) {
        let _ = writeln!(
            self.0,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\">{s}</text>"
        );
    }
    fn finish(mut self) -> String {
        self.0.push_str("</svg>\n");
        self.0
    }
}

/// A round axis maximum at or above `v`: 1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8
/// times a power of ten.
fn nice_max(v: f64) -> f64 {
    let p = 10f64.powf(v.max(1e-12).log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * p)
}

fn phase_names(backends: &[(String, Vec<Bar>)]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for bar in backends.iter().flat_map(|(_, bars)| bars) {
        for (n, _) in &bar.phases {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    names
}

/// One panel of stacked horizontal bars, at vertical offset `top`.
fn phase_panel(svg: &mut Svg, top: f64, backend: &str, bars: &[Bar], names: &[String]) {
    let (left, width, bar_h, gap) = (110.0, 560.0, 22.0, 10.0);
    let total = |b: &Bar| b.phases.iter().map(|p| p.1).sum::<f64>();
    let max = nice_max(bars.iter().map(total).fold(0.0, f64::max));
    let (scale, unit) = if max < 1.0 { (1e3, "ms") } else { (1.0, "s") };
    svg.text(
        left,
        top - 8.0,
        "start",
        &format!("{backend}: prove time by phase ({unit})"),
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f64 * (bar_h + gap);
        svg.text(left - 8.0, y + bar_h * 0.7, "end", &b.workload);
        let mut x = left;
        for (name, s) in &b.phases {
            let w = width * s / max;
            let color = PALETTE[names.iter().position(|n| n == name).unwrap_or(0) % PALETTE.len()];
            svg.rect(
                x,
                y,
                w,
                bar_h,
                color,
                &format!("{name}: {:.4} {unit}", s * scale),
            );
            x += w;
        }
        svg.text(
            x + 4.0,
            y + bar_h * 0.7,
            "start",
            &format!("{:.3}", total(b) * scale),
        );
    }
    let axis_y = top + bars.len() as f64 * (bar_h + gap);
    svg.line(left, axis_y, left + width, axis_y, "#333");
    for k in 0..=5 {
        let x = left + width * k as f64 / 5.0;
        svg.line(x, axis_y, x, axis_y + 4.0, "#333");
        let label = format!(
            "{}",
            (max * scale * k as f64 / 5.0 * 1000.0).round() / 1000.0
        );
        svg.text(x, axis_y + 16.0, "middle", &label);
    }
}

fn phases_svg(backends: &[(String, Vec<Bar>)]) -> String {
    let names = phase_names(backends);
    let panel_h = |bars: &[Bar]| bars.len() as f64 * 32.0 + 60.0;
    let height: f64 = backends.iter().map(|(_, b)| panel_h(b)).sum::<f64>()
        + 30.0
        + 20.0 * names.len().div_ceil(4) as f64;
    let mut svg = Svg::new(760.0, height);
    let mut top = 30.0;
    for (backend, bars) in backends {
        phase_panel(&mut svg, top, backend, bars, &names);
        top += panel_h(bars);
    }
    for (i, name) in names.iter().enumerate() {
        let (x, y) = (110.0 + 160.0 * (i % 4) as f64, top + 20.0 * (i / 4) as f64);
        svg.rect(x, y - 10.0, 12.0, 12.0, PALETTE[i % PALETTE.len()], name);
        svg.text(x + 16.0, y, "start", name);
    }
    svg.finish()
}

fn cells_svg(backends: &[(String, Vec<Bar>)]) -> String {
    let workloads: Vec<&str> = backends
        .first()
        .map(|(_, bars)| bars.iter().map(|b| b.workload.as_str()).collect())
        .unwrap_or_default();
    let values = backends
        .iter()
        .flat_map(|(_, b)| b)
        .map(|b| b.cells_per_second);
    let (lo, hi) = values.fold((f64::MAX, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
    let (lo_exp, hi_exp) = (lo.max(1.0).log10().floor(), hi.max(10.0).log10().ceil());
    let (left, bottom, plot_h, group_w) = (80.0, 300.0, 250.0, 150.0);
    let y = |v: f64| bottom - plot_h * (v.max(1.0).log10() - lo_exp) / (hi_exp - lo_exp).max(1.0);
    let width = left + group_w * workloads.len() as f64 + 40.0;
    let mut svg = Svg::new(width, bottom + 70.0);
    svg.text(
        left,
        25.0,
        "start",
        "trace cells proved per second (log scale)",
    );
    for e in lo_exp as i32..=hi_exp as i32 {
        let yy = y(10f64.powi(e));
        svg.line(left, yy, width - 20.0, yy, "#ddd");
        svg.text(left - 6.0, yy + 4.0, "end", &format!("1e{e}"));
    }
    let bar_w = (group_w - 30.0) / backends.len().max(1) as f64;
    for (wi, w) in workloads.iter().enumerate() {
        let gx = left + group_w * wi as f64 + 15.0;
        svg.text(gx + (group_w - 30.0) / 2.0, bottom + 18.0, "middle", w);
        for (bi, (backend, bars)) in backends.iter().enumerate() {
            let Some(b) = bars.iter().find(|b| b.workload == *w) else {
                continue;
            };
            let top = y(b.cells_per_second);
            let x = gx + bar_w * bi as f64;
            let tip = format!("{backend}: {:.3e} cells/s", b.cells_per_second);
            svg.rect(
                x,
                top,
                bar_w - 4.0,
                bottom - top,
                PALETTE[bi % PALETTE.len()],
                &tip,
            );
            svg.text(
                x + bar_w / 2.0 - 2.0,
                top - 4.0,
                "middle",
                &format!("{:.1e}", b.cells_per_second),
            );
        }
    }
    svg.line(left, bottom, width - 20.0, bottom, "#333");
    for (bi, (backend, _)) in backends.iter().enumerate() {
        let x = left + 120.0 * bi as f64;
        svg.rect(
            x,
            bottom + 34.0,
            12.0,
            12.0,
            PALETTE[bi % PALETTE.len()],
            backend,
        );
        svg.text(x + 16.0, bottom + 44.0, "start", backend);
    }
    svg.finish()
}

fn run(input: &str, out_dir: &str) -> PlotResult<()> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(input)?)?;
    let backends = read(&json)?;
    if backends.is_empty() {
        return Err(format!("{input}: no measurements").into());
    }
    std::fs::create_dir_all(out_dir)?;
    for (file, svg) in [
        ("phases.svg", phases_svg(&backends)),
        ("cells_per_second.svg", cells_svg(&backends)),
    ] {
        let path = format!("{out_dir}/{file}");
        std::fs::write(&path, svg)?;
        println!("wrote {path}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir] = args.as_slice() else {
        eprintln!("usage: plot WORKLOADS.json OUT_DIR");
        return ExitCode::FAILURE;
    };
    match run(input, out_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
