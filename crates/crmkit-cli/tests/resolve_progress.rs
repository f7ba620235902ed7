//! Progress of `crmkit resolve` on standard error, and Ctrl-C: the run
//! stops within about a second, exits with 130 and one line, and leaves no
//! output or temporary file.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn ctrl_c_stops_resolve_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("crmkit-cli-interrupt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // one city and no cap on the block size: millions of candidate pairs,
    // so that the run is still comparing when Ctrl-C comes
    let input = dir.join("people.csv");
    let mut f = std::fs::File::create(&input).unwrap();
    writeln!(f, "id,first_name,last_name,city").unwrap();
    for i in 0..3000 {
        writeln!(f, "{i},Name{},Family{},Ankara", i % 97, i % 89).unwrap();
    }
    drop(f);
    let settings = dir.join("settings.json");
    std::fs::write(
        &settings,
        r#"{"blocking": [["city"]], "max_block_size": 100000}"#,
    )
    .unwrap();
    let out = dir.join("clusters.csv");

    let mut child = Command::new(env!("CARGO_BIN_EXE_crmkit"))
        .arg("resolve")
        .arg(&input)
        .arg("--settings")
        .arg(&settings)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run crmkit");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !lines.iter().any(|l: &String| l.ends_with("] compare")) {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => lines.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("no compare stage: {lines:?}");
            }
        }
    }
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let took = sent.elapsed();
    reader.join().unwrap();
    lines.extend(rx.try_iter());

    assert_eq!(status.code(), Some(130), "{lines:?}");
    // a release build stops within a second; a debug build compares more
    // slowly, a slice at a time
    assert!(took < Duration::from_secs(3), "stopped after {took:?}");
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(
        errors,
        ["error: interrupted: stopped before the end; no output file was written"],
        "{lines:?}"
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "people.csv" && n != "settings.json")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_log_gets_one_line_per_stage_and_quiet_gets_none() {
    let dir = std::env::temp_dir().join(format!("crmkit-cli-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("people.csv");
    std::fs::write(
        &input,
        "id,first_name,last_name,email\n1,Ayşe,Kaya,ayse@x.com\n2,AYSE,KAYA,ayse@x.com\n3,Can,Demir,can@y.com\n",
    )
    .unwrap();
    let out = dir.join("clusters.csv");
    let run = |quiet: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_crmkit"));
        cmd.arg("resolve").arg(&input).arg("--out").arg(&out);
        if quiet {
            cmd.arg("--quiet");
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stderr).unwrap()
    };
    // standard error is a pipe here: no redrawn lines, and a run this short
    // has no count lines
    let stages: Vec<String> = run(false)
        .lines()
        .map(|l| l.split_once("s] ").unwrap().1.to_owned())
        .collect();
    assert_eq!(
        stages,
        [
            "read",
            "standardize",
            "block",
            "compare",
            "train",
            "score",
            "cluster",
            "done: 3 records, 2 clusters",
            "written"
        ]
    );
    assert_eq!(run(true), "");
    std::fs::remove_dir_all(&dir).unwrap();
}
