//! Files in and out, the same for every command, and the exit codes.
//!
//! - An input of `-` is standard input; an output of `-` (or none) is
//!   standard output.
//! - An output file is written whole or not at all: it is written to a
//!   temporary file in the same folder and renamed over the target only when
//!   the command succeeds, so a run that fails halfway (a bad row, a full
//!   disk) leaves every earlier file exactly as it was. An output path that
//!   is one of the inputs, or another output of the same run, is refused.
//! - A closed pipe on standard output (`crmkit … | head`) ends the command
//!   quietly with success; any other write error (a full disk) is an I/O
//!   error naming the file.

use crate::Failure;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The exit codes of every command.
pub(crate) mod exit {
    /// Success.
    pub(crate) const OK: u8 = 0;
    /// The command ran, and what it checked failed (a rule file's lint
    /// errors or failed examples).
    pub(crate) const FINDINGS: u8 = 1;
    /// The command line is wrong: an unknown option, a missing argument, a
    /// value outside its domain, an output path that is also an input.
    pub(crate) const USAGE: u8 = 2;
    /// An input file is malformed: a bad row, field, rule or policy.
    pub(crate) const DATA: u8 = 3;
    /// Reading or writing a file failed: missing, unreadable, disk full.
    pub(crate) const IO: u8 = 4;
    /// An internal error; please report it.
    pub(crate) const INTERNAL: u8 = 5;
    /// Stopped by Ctrl-C before the end, nothing written (128 + SIGINT, as
    /// shells report it).
    pub(crate) const INTERRUPTED: u8 = 130;
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: exit::USAGE,
        }
    }

    pub(crate) fn data(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: exit::DATA,
        }
    }

    pub(crate) fn io(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: exit::IO,
        }
    }

    pub(crate) fn findings(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: exit::FINDINGS,
        }
    }

    pub(crate) fn internal(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: exit::INTERNAL,
        }
    }

    /// The same failure with ` suffix` after its message.
    pub(crate) fn suffixed(mut self, suffix: &str) -> Failure {
        self.message = format!("{} {suffix}", self.message);
        self
    }

    /// Standard output was closed by its reader: not an error.
    pub(crate) fn closed_pipe() -> Failure {
        Failure {
            message: String::new(),
            code: exit::OK,
        }
    }

    /// The same failure with `prefix: ` before its message.
    pub(crate) fn prefixed(mut self, prefix: &str) -> Failure {
        if self.code != exit::OK {
            self.message = format!("{prefix}: {}", self.message);
        }
        self
    }
}

/// A failed write to `name`: a closed pipe ends quietly, anything else is
/// an I/O error naming it.
pub(crate) fn write_failure(name: &str, e: &std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::closed_pipe()
    } else {
        Failure::io(format!("{name}: {e}"))
    }
}

/// A failed CSV write to `name`.
pub(crate) fn csv_write_failure(name: &str, e: csv::Error) -> Failure {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => write_failure(name, &io),
        other => Failure::internal(format!("{name}: {other:?}")),
    }
}

/// Prints `text` on standard output.
pub(crate) fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| write_failure("standard output", &e))
}

/// Opens an input: a file, or standard input for `-`.
pub(crate) fn open_input(path: &str) -> Result<Box<dyn Read>, Failure> {
    if path == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(path).map_err(|e| Failure::io(format!("{path}: {e}")))?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

/// Reads a whole input as text: a file, or standard input for `-`.
pub(crate) fn read_text(path: &str) -> Result<String, Failure> {
    let mut text = String::new();
    open_input(path)?.read_to_string(&mut text).map_err(|e| {
        let name = if path == "-" { "standard input" } else { path };
        if e.kind() == std::io::ErrorKind::InvalidData {
            Failure::data(format!("{name}: not UTF-8 text; save it as UTF-8"))
        } else {
            Failure::io(format!("{name}: {e}"))
        }
    })?;
    Ok(text)
}

/// Refuses output paths that are one of the inputs or name the same file
/// twice, before anything is read or written.
pub(crate) fn check_paths(inputs: &[&str], outputs: &[&str]) -> Result<(), Failure> {
    let outputs: Vec<&str> = outputs.iter().copied().filter(|o| *o != "-").collect();
    for (i, out) in outputs.iter().enumerate() {
        for input in inputs.iter().filter(|p| **p != "-") {
            if same(out, input) {
                return Err(Failure::usage(format!(
                    "output {out} is the input {input}; write the result to another file"
                )));
            }
        }
        for other in &outputs[..i] {
            if same(out, other) {
                return Err(Failure::usage(format!(
                    "{out} and {other} are the same file; give each output its own path"
                )));
            }
        }
    }
    Ok(())
}

/// Whether two paths name one file (an existing one, or the same name).
pub(crate) fn same_path(a: &str, b: &str) -> bool {
    a != "-" && b != "-" && same(a, b)
}

fn same(a: &str, b: &str) -> bool {
    // an output that does not exist yet can only clash by name
    same_file::is_same_file(a, b).unwrap_or(false) || absolute(a) == absolute(b)
}

fn absolute(p: &str) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| PathBuf::from(p))
}

/// Where a command writes: standard output, or a file written whole or not
/// at all.
pub(crate) enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        path: PathBuf,
        name: String,
        tmp: BufWriter<tempfile::NamedTempFile>,
    },
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Sink {
    /// Standard output for `None` or `-`, else a temporary file beside `path`.
    pub(crate) fn open(path: Option<&str>) -> Result<Sink, Failure> {
        let Some(path) = path.filter(|p| *p != "-") else {
            return Ok(Sink::Stdout(BufWriter::new(std::io::stdout())));
        };
        let target = PathBuf::from(path);
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if target.is_dir() {
            return Err(Failure::usage(format!(
                "{path} is a folder; give a file name"
            )));
        }
        let tmp = tempfile::Builder::new()
            .prefix(&format!(
                ".{}.",
                target
                    .file_name()
                    .map_or_else(|| "out".into(), |n| n.to_string_lossy())
            ))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| Failure::io(format!("{path}: cannot write in {}: {e}", dir.display())))?;
        keep_permissions(tmp.path(), &target);
        Ok(Sink::File {
            path: target,
            name: path.to_owned(),
            tmp: BufWriter::new(tmp),
        })
    }

    /// The file's name as the user gave it, or `standard output`.
    pub(crate) fn name(&self) -> &str {
        match self {
            Sink::Stdout(_) => "standard output",
            Sink::File { name, .. } => name,
        }
    }

    /// Whether the sink is a file whose name ends with `suffix`.
    pub(crate) fn is_file_ending(&self, suffix: &str) -> bool {
        matches!(self, Sink::File { name, .. } if name.ends_with(suffix))
    }

    /// Flushes, and for a file moves it over the target. Dropping a sink
    /// without committing removes its temporary file.
    pub(crate) fn commit(self) -> Result<(), Failure> {
        match self {
            Sink::Stdout(mut out) => out
                .flush()
                .map_err(|e| write_failure("standard output", &e)),
            Sink::File { path, name, tmp } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| write_failure(&name, e.error()))?;
                tmp.as_file()
                    .sync_all()
                    .map_err(|e| write_failure(&name, &e))?;
                tmp.persist(&path)
                    .map_err(|e| Failure::io(format!("{name}: {}", e.error)))?;
                Ok(())
            }
        }
    }
}

/// A new file gets the usual `rw-r--r--`; a replaced one keeps its mode.
fn keep_permissions(tmp: &Path, target: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode());
        // best effort: the file is still written if the mode cannot be set
        let _ = std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (tmp, target);
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(buf),
            Sink::File { tmp, .. } => tmp.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(out) => out.write_all(buf),
            Sink::File { tmp, .. } => tmp.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File { tmp, .. } => tmp.flush(),
        }
    }
}

/// Writes CSV rows to a sink and hands the sink back to be committed.
pub(crate) struct CsvSink {
    writer: csv::Writer<Sink>,
    name: String,
}

impl std::fmt::Debug for CsvSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl CsvSink {
    pub(crate) fn new(sink: Sink, delimiter: u8) -> CsvSink {
        let name = sink.name().to_owned();
        CsvSink {
            writer: csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(sink),
            name,
        }
    }

    pub(crate) fn row<I, T>(&mut self, record: I) -> Result<(), Failure>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(record)
            .map_err(|e| csv_write_failure(&self.name, e))
    }

    /// Flushes the rows and returns the sink, to be committed with the
    /// other outputs of the run.
    pub(crate) fn finish(self) -> Result<Sink, Failure> {
        let name = self.name;
        self.writer
            .into_inner()
            .map_err(|e| write_failure(&name, e.error()))
    }
}

/// Commits every output of a run, in order.
pub(crate) fn commit_all(sinks: Vec<Sink>) -> Result<(), Failure> {
    sinks.into_iter().try_for_each(Sink::commit)
}

/// The row policy of `--lenient` (skip and count) or its absence (reject).
pub(crate) fn bad_rows(lenient: bool) -> crmkit::tabular::BadRows {
    use crmkit::tabular::BadRows;
    if lenient {
        BadRows::Skip
    } else {
        BadRows::Reject
    }
}

/// Reports rows skipped under `--lenient` on standard error.
pub(crate) fn report_skipped(file: &str, skipped: &crmkit::tabular::Skipped) {
    if let Some(summary) = skipped.summary() {
        eprintln!("warning: {file}: {summary}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crmkit-io-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_sink_dropped_before_commit_leaves_the_target_and_no_temporary_file() {
        let dir = temp_dir("drop");
        let target = dir.join("out.csv");
        std::fs::write(&target, "old\n").unwrap();
        let path = target.to_str().unwrap();
        let mut sink = Sink::open(Some(path)).unwrap();
        sink.write_all(b"new, half").unwrap();
        drop(sink);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        let mut sink = Sink::open(Some(path)).unwrap();
        sink.write_all(b"new\n").unwrap();
        sink.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn outputs_that_are_inputs_or_each_other_are_refused() {
        let dir = temp_dir("paths");
        let input = dir.join("in.csv");
        std::fs::write(&input, "a\n").unwrap();
        let input = input.to_str().unwrap();
        let other = dir.join("./in.csv");
        let e = check_paths(&[input], &[other.to_str().unwrap()]).unwrap_err();
        assert_eq!(e.code, exit::USAGE);
        assert!(e.message.contains("is the input"), "{}", e.message);
        let out = dir.join("out.csv");
        let out = out.to_str().unwrap();
        assert!(check_paths(&[input], &[out, "-", "-"]).is_ok());
        assert!(check_paths(&[input], &[out, out]).is_err());
    }
}
