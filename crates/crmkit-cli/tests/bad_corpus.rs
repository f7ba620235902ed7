//! Every case of the shared bad-input corpus (`tests/corpus/bad/`) that has a
//! command line, run as a user runs it: the exit code, what standard output
//! and standard error say, and that no file a failing run touches changes.

use std::path::{Path, PathBuf};
use std::process::Command;

const PREVIOUS: &[u8] = b"a previous result\n";

struct Case {
    name: String,
    keys: Vec<(String, String)>,
    input: Vec<u8>,
}

impl Case {
    fn get(&self, key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parse(path: &Path) -> Case {
    let bytes = std::fs::read(path).unwrap();
    let split = bytes
        .windows(5)
        .position(|w| w == b"\n---\n")
        .unwrap_or_else(|| panic!("{}: no `---` line", path.display()));
    let head = std::str::from_utf8(&bytes[..split]).unwrap();
    let keys = head
        .lines()
        .map(|l| {
            let (k, v) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("{}: bad line {l:?}", path.display()));
            (k.to_owned(), v.to_owned())
        })
        .collect();
    Case {
        name: path.file_stem().unwrap().to_string_lossy().into_owned(),
        keys,
        input: bytes[split + 5..].to_vec(),
    }
}

fn cases() -> Vec<Case> {
    let dir = root().join("tests/corpus/bad");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    paths.sort();
    paths.iter().map(|p| parse(p)).collect()
}

#[test]
fn every_cli_case_exits_and_reports_as_expected() {
    let cases = cases();
    assert!(cases.len() >= 20, "the corpus has {} cases", cases.len());
    let base = std::env::temp_dir().join(format!("crmkit-bad-corpus-{}", std::process::id()));
    let mut ran = 0;
    for case in cases.iter().filter(|c| c.get("cli").is_some()) {
        let dir = base.join(&case.name);
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("input");
        let out = dir.join("out");
        std::fs::write(&input, &case.input).unwrap();
        std::fs::write(&out, PREVIOUS).unwrap();
        let args: Vec<String> = case
            .get("cli")
            .unwrap()
            .split(' ')
            .map(|a| {
                a.replace("{input}", input.to_str().unwrap())
                    .replace("{out}", out.to_str().unwrap())
                    .replace("{root}", root().to_str().unwrap())
            })
            .collect();
        let output = Command::new(env!("CARGO_BIN_EXE_crmkit"))
            .args(&args)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let what = format!(
            "{}: {args:?}\nstdout: {stdout}\nstderr: {stderr}",
            case.name
        );
        let exit: i32 = case.get("exit").expect("exit").parse().unwrap();
        assert_eq!(output.status.code(), Some(exit), "{what}");
        assert!(!stderr.contains("panicked"), "{what}");
        for fragment in case.all("stderr") {
            assert!(stderr.contains(fragment), "{what}\nexpected {fragment:?}");
        }
        for fragment in case.all("stdout") {
            assert!(stdout.contains(fragment), "{what}\nexpected {fragment:?}");
        }
        if let Some(max) = case.get("stderr_max") {
            assert!(stderr.len() <= max.parse().unwrap(), "{what}");
        }
        let now = std::fs::read(&out).unwrap();
        match case.get("out") {
            Some("unchanged") => assert_eq!(now, PREVIOUS, "{what}"),
            Some("replaced") => assert!(now != PREVIOUS && !now.is_empty(), "{what}"),
            _ => {}
        }
        if case.get("input") == Some("unchanged") {
            assert_eq!(std::fs::read(&input).unwrap(), case.input, "{what}");
        }
        // no temporary file is left behind
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.len() <= 2, "{what}\nleft: {left:?}");
        ran += 1;
    }
    assert!(ran >= 15, "ran {ran} command-line cases");
}

/// A reader that stops early (`crmkit … | head -1`) ends the command
/// quietly with success, on every command that prints.
#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    use std::io::Read;
    use std::process::Stdio;
    let sample = root().join("crates/crmkit-cli/data/survey_sample.csv");
    let routing = root().join("crates/crmkit/examples/routing/tr-ecommerce.toml");
    let customers = root().join("crates/crmkit-cli/data/customers_sample.csv");
    let sample = sample.to_str().unwrap();
    let routing = routing.to_str().unwrap();
    for args in [
        vec!["demo"],
        vec!["csat", sample, "--score-column", "csat", "--by", "channel"],
        vec!["route", "--check", routing, "--json"],
        vec!["contacts", customers.to_str().unwrap()],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crmkit"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 1];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
    }
}

/// A full disk is an I/O error (exit 4) naming standard output.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_an_io_error() {
    let sample = root().join("crates/crmkit-cli/data/survey_sample.csv");
    for args in [
        vec!["demo"],
        vec!["nps", sample.to_str().unwrap(), "--score-column", "nps"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_crmkit"))
            .args(&args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{args:?}: {stderr}");
        assert!(stderr.contains("standard output"), "{args:?}: {stderr}");
    }
}
