//! The quality curve of a rebalance plan: how even the cluster is after each move, as
//! an SVG line chart with axis labels and a text alternative.

use leptos::prelude::*;
use scaleout_domain::units::spread_percent;

/// The smallest "round" number (1, 2, 2.5 or 5 times a power of ten) at least `v`; 1
/// when `v` is not positive, so an axis always has a height.
pub fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let candidate = m * power;
        // Tolerate floating-point noise: 2 x 0.1 must count as reaching 0.2.
        if candidate >= v * (1.0 - 1e-9) {
            return candidate;
        }
    }
    10.0 * power
}

/// The drawing area, in SVG units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// Where each value of `curve` goes: step `i` at an even spacing from the left edge to
/// the right edge, value `y_max` at the top and 0 at the bottom (clamped to the frame).
pub fn points(curve: &[f64], y_max: f64, frame: Frame) -> Vec<(f64, f64)> {
    let steps = curve.len().saturating_sub(1).max(1) as f64;
    curve
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let x = frame.left + frame.width * i as f64 / steps;
            let share = if y_max > 0.0 {
                (v / y_max).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let y = frame.top + frame.height * (1.0 - share);
            (x, y)
        })
        .collect()
}

/// Up to `want` evenly spread integer ticks over `0..=n`, always with both ends.
pub fn x_ticks(n: usize, want: usize) -> Vec<usize> {
    if n == 0 {
        return vec![0];
    }
    let every = n.div_ceil(want.max(1)).max(1);
    let mut ticks: Vec<usize> = (0..=n).step_by(every).collect();
    if ticks.last() != Some(&n) {
        ticks.push(n);
    }
    ticks
}

const W: f64 = 560.0;
const H: f64 = 240.0;
const FRAME: Frame = Frame {
    left: 56.0,
    top: 16.0,
    width: W - 56.0 - 16.0,
    height: H - 16.0 - 48.0,
};

/// `curve[0]` is before any move, `curve[i]` after move `i` (coefficient of variation of
/// bytes per server: 0 is perfectly even).
#[component]
pub fn QualityChart(curve: Vec<f64>) -> impl IntoView {
    let n = curve.len().saturating_sub(1);
    let y_max = nice_ceiling(curve.iter().copied().fold(0.0, f64::max));
    let pts = points(&curve, y_max, FRAME);
    let line = pts
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let first = curve.first().copied().unwrap_or(0.0);
    let last = curve.last().copied().unwrap_or(0.0);
    let summary = format!(
        "The spread of bytes between servers goes from {} before any move to {} after {n} move{}; lower is more even.",
        spread_percent(first),
        spread_percent(last),
        if n == 1 { "" } else { "s" }
    );
    let bottom = FRAME.top + FRAME.height;
    let right = FRAME.left + FRAME.width;
    let y_ticks = [0.0, y_max / 2.0, y_max];
    view! {
        <figure class="quality-chart" data-testid="quality-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="qc-title qc-desc" preserveAspectRatio="xMidYMid meet">
                <title id="qc-title">"Balance after each move"</title>
                <desc id="qc-desc">{summary.clone()}</desc>
                {y_ticks.iter().map(|&t| {
                    let y = FRAME.top + FRAME.height * (1.0 - t / y_max);
                    view! {
                        <line class="grid" x1=FRAME.left y1=y x2=right y2=y />
                        <text class="tick" x=FRAME.left - 6.0 y=y + 4.0 text-anchor="end">{format!("{:.0}%", t * 100.0)}</text>
                    }
                }).collect_view()}
                {x_ticks(n, 8).into_iter().map(|i| {
                    let x = FRAME.left + FRAME.width * i as f64 / n.max(1) as f64;
                    view! {
                        <line class="axis" x1=x y1=bottom x2=x y2=bottom + 4.0 />
                        <text class="tick" x=x y=bottom + 18.0 text-anchor="middle">{i}</text>
                    }
                }).collect_view()}
                <line class="axis" x1=FRAME.left y1=bottom x2=right y2=bottom />
                <line class="axis" x1=FRAME.left y1=FRAME.top x2=FRAME.left y2=bottom />
                <polyline class="curve" points=line fill="none" />
                {pts.iter().map(|&(x, y)| view! { <circle class="dot" cx=x cy=y r="3.5" /> }).collect_view()}
                <text class="axis-label" x=FRAME.left + FRAME.width / 2.0 y=H - 6.0 text-anchor="middle">"Moves done"</text>
                <text class="axis-label" x="14" y=FRAME.top + FRAME.height / 2.0 text-anchor="middle"
                    transform=format!("rotate(-90 14 {})", FRAME.top + FRAME.height / 2.0)>"Spread of bytes"</text>
            </svg>
            <figcaption>{summary}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(-3.0), 1.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(1.3), 2.0);
        assert_eq!(nice_ceiling(2.2), 2.5);
        assert_eq!(nice_ceiling(0.42), 0.5);
        assert_eq!(nice_ceiling(0.07), 0.1);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert!((nice_ceiling(0.3) - 0.5).abs() < 1e-12);
        assert!((nice_ceiling(0.2) - 0.2).abs() < 1e-12);
    }

    #[test]
    fn points_span_the_frame() {
        let f = Frame {
            left: 10.0,
            top: 5.0,
            width: 100.0,
            height: 50.0,
        };
        let p = points(&[0.5, 0.25, 0.0], 0.5, f);
        assert_eq!(p, vec![(10.0, 5.0), (60.0, 30.0), (110.0, 55.0)]);
        // One value sits on the left edge; values above the top are clamped.
        assert_eq!(points(&[2.0], 1.0, f), vec![(10.0, 5.0)]);
        assert_eq!(points(&[1.0], 0.0, f), vec![(10.0, 55.0)]);
        assert!(points(&[], 1.0, f).is_empty());
    }

    #[test]
    fn ticks_include_both_ends() {
        assert_eq!(x_ticks(0, 8), vec![0]);
        assert_eq!(x_ticks(3, 8), vec![0, 1, 2, 3]);
        assert_eq!(x_ticks(10, 4), vec![0, 3, 6, 9, 10]);
        assert_eq!(x_ticks(16, 8), vec![0, 2, 4, 6, 8, 10, 12, 14, 16]);
    }
}
