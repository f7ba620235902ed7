//! Plain aligned text tables for the terminal.

/// A table with a header row. Columns whose cells all look like numbers
/// (digits, signs, intervals, p-values) are right-aligned, others left.
#[derive(Debug, Default)]
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let width = |c: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.header.len()).map(width).collect();
        let numeric: Vec<bool> = (0..self.header.len())
            .map(|c| {
                c > 0
                    && self.rows.iter().filter_map(|r| r.get(c)).all(|cell| {
                        cell.starts_with(|ch: char| ch.is_ascii_digit() || "-+[<".contains(ch))
                    })
            })
            .collect();
        let line = |cells: &[String]| {
            let mut out = String::new();
            for (i, w) in widths.iter().enumerate() {
                let cell = cells.get(i).map_or("", String::as_str);
                let pad = w.saturating_sub(cell.chars().count());
                if i > 0 {
                    out.push_str("  ");
                }
                if !numeric[i] {
                    out.push_str(cell);
                    out.push_str(&" ".repeat(pad));
                } else {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                }
            }
            out.trim_end().to_owned()
        };
        let mut out = line(&self.header);
        out.push('\n');
        out.push_str(
            &"-".repeat(widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1)),
        );
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }
}

/// A number with one decimal, or "-" for NaN.
pub(crate) fn f1(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{x:.1}")
    }
}

/// A percentage with one decimal.
pub(crate) fn pct(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * x)
    }
}

/// An interval "[low, high]".
pub(crate) fn interval(low: f64, high: f64) -> String {
    if low.is_nan() {
        "-".into()
    } else {
        format!("[{low:.1}, {high:.1}]")
    }
}

/// A p-value with three decimals, or "<0.001".
pub(crate) fn p(x: f64) -> String {
    if x.is_nan() {
        "-".into()
    } else if x < 0.001 {
        "<0.001".into()
    } else {
        format!("{x:.3}")
    }
}
