//! Progress of a long command on standard error, and Ctrl-C.
//!
//! On a terminal the line of the running stage is redrawn at most once a
//! second with its count and the time left; elsewhere (a log file, a pipe)
//! each stage gets one line when it starts and a count line every ten
//! seconds, so that logs stay short. `--quiet` prints nothing.
//!
//! The first Ctrl-C asks the command to stop: it stops within about a
//! second, writes no output file and exits with [`INTERRUPTED`]. A second
//! Ctrl-C ends the process at once.

use std::io::{IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::Failure;
use crate::io::exit::INTERRUPTED;

static STOP: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C ask the command to stop (see the module documentation).
pub(crate) fn catch_interrupt() {
    // without a handler Ctrl-C still ends the command, only less tidily
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(INTERRUPTED));
        }
    });
}

/// Whether Ctrl-C was pressed.
pub(crate) fn interrupted() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Fails with the interruption when Ctrl-C was pressed.
pub(crate) fn check() -> Result<(), Failure> {
    if interrupted() {
        Err(Failure::interrupted())
    } else {
        Ok(())
    }
}

impl Failure {
    /// The command was stopped by Ctrl-C.
    pub(crate) fn interrupted() -> Failure {
        Failure {
            message: "interrupted: stopped before the end; no output file was written".into(),
            code: INTERRUPTED,
        }
    }
}

/// How often the running stage's line is redrawn on a terminal.
const TERMINAL_EVERY: Duration = Duration::from_secs(1);
/// How often a count line is printed when standard error is not a terminal.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// Prints progress on standard error.
pub(crate) struct Meter {
    start: Instant,
    quiet: bool,
    terminal: bool,
    stage: &'static str,
    stage_start: Instant,
    last: Instant,
    /// The count last printed.
    drawn: u64,
    /// A terminal line is being redrawn and has no newline yet.
    open: bool,
}

impl Meter {
    pub(crate) fn new(quiet: bool) -> Meter {
        let now = Instant::now();
        Meter {
            start: now,
            quiet,
            terminal: std::io::stderr().is_terminal(),
            stage: "",
            stage_start: now,
            last: now,
            drawn: 0,
            open: false,
        }
    }

    /// `done` of `total` `unit` of `stage` are done; a new stage name
    /// starts a new line.
    pub(crate) fn update(&mut self, stage: &'static str, unit: &str, done: u64, total: u64) {
        if self.quiet {
            return;
        }
        if stage == self.stage && self.terminal && !self.open {
            // something else was printed since: the stage goes on below it
            self.stage = "";
        }
        let now = Instant::now();
        if stage != self.stage {
            self.stage = stage;
            self.stage_start = now;
            self.last = now;
            self.drawn = 0;
            if self.terminal {
                // the last stage's line stays as it was drawn last
                self.finish();
                self.redraw(stage);
            } else {
                self.line(stage);
            }
            return;
        }
        let every = if self.terminal {
            TERMINAL_EVERY
        } else {
            LOG_EVERY
        };
        // the end of a stage is drawn on a terminal, once, so that its
        // line stays complete
        let last_of_stage = self.terminal && done == total && self.drawn != done;
        if now.duration_since(self.last) < every && !last_of_stage {
            return;
        }
        self.last = now;
        self.drawn = done;
        let mut text = format!("{stage} {} of {} {unit}", group(done), group(total));
        if let Some(percent) = (done * 100).checked_div(total) {
            text += &format!(" ({percent}%)");
        }
        let spent = now.duration_since(self.stage_start).as_secs_f64();
        if done > 0 && done < total && spent >= 1.0 {
            let left = spent * (total - done) as f64 / done as f64;
            text += &format!(", about {} left", duration(left));
        }
        if self.terminal {
            self.redraw(&text);
        } else {
            self.line(&text);
        }
    }

    /// The running stage, without counts (its total is unknown).
    pub(crate) fn stage(&mut self, stage: &'static str) {
        if stage != self.stage {
            self.update(stage, "", 0, 0);
        }
    }

    /// A line of its own, such as a stage or `done: …`.
    pub(crate) fn line(&mut self, text: &str) {
        if self.quiet {
            return;
        }
        let mut err = std::io::stderr().lock();
        let end = if self.open { "\n" } else { "" };
        self.open = false;
        let elapsed = self.start.elapsed().as_secs_f64();
        // best effort: progress never fails the command
        let _ = writeln!(err, "{end}[{elapsed:>7.2}s] {text}");
    }

    /// Draws the running stage's terminal line anew, without a newline;
    /// a new stage starts a new line.
    fn redraw(&mut self, text: &str) {
        let mut err = std::io::stderr().lock();
        let elapsed = self.start.elapsed().as_secs_f64();
        let _ = write!(err, "\r\x1b[2K[{elapsed:>7.2}s] {text}");
        let _ = err.flush();
        self.open = true;
    }

    /// Ends an open terminal line, before anything else is printed on
    /// standard error.
    pub(crate) fn finish(&mut self) {
        if self.open {
            let _ = writeln!(std::io::stderr());
            self.open = false;
        }
    }
}

/// A reader that reports the bytes read of a file on a [`Meter`] and stops
/// with an error when Ctrl-C was pressed.
pub(crate) struct Reading<'a, R> {
    inner: R,
    meter: &'a mut Meter,
    done: u64,
    total: Option<u64>,
}

impl<'a, R: Read> Reading<'a, R> {
    /// Reads `inner`, of `total` bytes (`None` when unknown, as for
    /// standard input).
    pub(crate) fn new(inner: R, total: Option<u64>, meter: &'a mut Meter) -> Self {
        match total {
            Some(t) => meter.update("read", "bytes", 0, t),
            None => meter.stage("read"),
        }
        Reading {
            inner,
            meter,
            done: 0,
            total,
        }
    }
}

impl<R: Read> Read for Reading<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if interrupted() {
            return Err(std::io::Error::other("interrupted"));
        }
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if let Some(total) = &mut self.total {
            // a file that grows while it is read still ends at 100%
            *total = (*total).max(self.done);
            self.meter.update("read", "bytes", self.done, *total);
        }
        Ok(n)
    }
}

/// `1234567` as `1,234,567`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds as `42s`, `3m 05s` or `1h 02m`.
fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations_read_easily() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1234567), "1,234,567");
        assert_eq!(duration(4.4), "4s");
        assert_eq!(duration(185.0), "3m 05s");
        assert_eq!(duration(3720.0), "1h 02m");
    }
}
