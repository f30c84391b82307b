//! Any bytes as a file given to mat-strip: detected by content, inspected (what --show and
//! --check do) and cleaned (the plan written to memory). Both must agree, any refusal is a
//! one-line error, and nothing may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use privkit_mat_strip::engine::{self, Ctx, Options, Purpose, Source};
use privkit_mat_strip::registry::{self, REGISTRY};

fuzz_target!(|data: &[u8]| {
    let src = Source::Memory(data.to_vec());
    let Ok(head) = src.head() else { return };
    let Ok(format) = registry::detect(&head) else { return };
    // The command line's defaults (a field added to Options needs no change here), with the
    // orientation kept as the tests do.
    let opts = Options {
        keep_orientation: true,
        ..Options::default()
    };
    let inspected = engine::clean(format, &src, &mut Ctx::new(opts, Purpose::Inspect, &REGISTRY));
    let cleaned = engine::clean(format, &src, &mut Ctx::new(opts, Purpose::Plan, &REGISTRY));
    match (&inspected, &cleaned) {
        (Ok(i), Ok(c)) => assert_eq!(i.removed, c.removed, "inspect and plan disagree"),
        (Err(_), Err(_)) => {}
        _ => panic!("inspect and plan disagree on whether the file can be cleaned"),
    }
    if let Err(e) = &cleaned {
        assert!(!e.to_string().contains('\n'), "a multi-line error: {e}");
    }
    if let Ok(c) = cleaned {
        let mut out = Vec::new();
        let _ = c.plan.write_to(&src, &mut out);
    }
});
