//! Measures the blocklist engine on a list file: load time, index time, and the cost of one
//! lookup (host plus parents, block and allow), for bench/qr-inspect.sh.
//!
//!     cargo run --release -p privkit-qr-inspect --example blocklist-bench -- LIST HOST...

use std::hint::black_box;
use std::time::Instant;

use privkit_qr_inspect::blocklist::{Blocklists, Judgement};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(list) = args.next() else {
        eprintln!("usage: blocklist-bench LIST HOST...");
        std::process::exit(64);
    };
    let hosts: Vec<String> = args.collect();
    let t = Instant::now();
    let mut lists = Blocklists::default();
    let loaded = lists.load(list.as_ref(), false).expect("list");
    let read = t.elapsed();
    lists.finish();
    let total = t.elapsed();
    println!("rules {}", loaded.rules);
    println!("load_ms {:.1}", read.as_secs_f64() * 1e3);
    println!("index_ms {:.1}", (total - read).as_secs_f64() * 1e3);
    let rounds = 200_000;
    let t = Instant::now();
    let mut blocked = 0;
    for i in 0..rounds {
        let host = &hosts[i % hosts.len()];
        if matches!(black_box(lists.judge(host)), Judgement::Blocked(_)) {
            blocked += 1;
        }
    }
    let per = t.elapsed().as_secs_f64() * 1e9 / rounds as f64;
    println!("lookup_ns {per:.0}");
    println!("blocked_share {:.2}", blocked as f64 / rounds as f64);
}
