//! Scanning from a video device (V4L2) until a code is seen. Built only with the `camera`
//! feature: its bindings need libclang at build time, which a lean default build should not.

use std::path::Path;
use std::time::Duration;

use privkit_core::Error;

/// Reads frames from `device` until one holds at least one code, or `timeout` passes (then no
/// texts: the caller reports "no QR code found").
#[cfg(feature = "camera")]
pub fn scan(device: &Path, timeout: Duration) -> Result<Vec<String>, Error> {
    use privkit_core::Code;
    let name = device.to_string_lossy().into_owned();
    if !device.exists() {
        return Err(Error::new(Code::NoInput, "no such video device").about(device));
    }
    let mut stream = qrcode_scanner::QRScanStream::new(name).map_err(|e| {
        Error::new(
            Code::Unavailable,
            format!("cannot capture: {}", privkit_core::error::io_message(&e)),
        )
        .about(device)
    })?;
    until_found(|| stream.decode_next(), timeout).map_err(|e| {
        Error::new(
            Code::IoErr,
            format!("reading frames: {}", privkit_core::error::io_message(&e)),
        )
        .about(device)
    })
}

/// The frame loop, apart from the device so that it can be tested with recorded results.
#[cfg_attr(not(feature = "camera"), allow(dead_code))]
fn until_found(
    mut next: impl FnMut() -> std::io::Result<Vec<String>>,
    timeout: Duration,
) -> std::io::Result<Vec<String>> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let texts = next()?;
        if !texts.is_empty() {
            let mut seen = std::collections::HashSet::new();
            return Ok(texts.into_iter().filter(|t| seen.insert(t.clone())).collect());
        }
        if std::time::Instant::now() >= deadline {
            return Ok(Vec::new());
        }
    }
}

#[cfg(not(feature = "camera"))]
pub fn scan(device: &Path, _timeout: Duration) -> Result<Vec<String>, Error> {
    Err(Error::new(
        privkit_core::Code::Unavailable,
        "this privkit was built without camera support (rebuild with --features camera)",
    )
    .about(device))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn stops_at_the_first_frame_with_codes() {
        let mut frames: VecDeque<std::io::Result<Vec<String>>> = VecDeque::from([
            Ok(vec![]),
            Ok(vec![]),
            Ok(vec!["a".into(), "a".into(), "b".into()]),
        ]);
        let got = until_found(|| frames.pop_front().unwrap(), Duration::from_secs(5)).unwrap();
        assert_eq!(got, ["a", "b"]);
        assert!(frames.is_empty());
    }

    #[test]
    fn gives_up_at_the_deadline_and_passes_errors_on() {
        let got = until_found(|| Ok(vec![]), Duration::from_millis(20)).unwrap();
        assert!(got.is_empty());
        let err = until_found(|| Err(std::io::Error::other("gone")), Duration::from_secs(5)).unwrap_err();
        assert_eq!(err.to_string(), "gone");
    }

    #[cfg(feature = "camera")]
    #[test]
    fn the_scanner_stream_feeds_the_loop() {
        let data = VecDeque::from([Ok(vec![]), Ok(vec!["https://example.org/".to_string()])]);
        let mut stream = qrcode_scanner::QRScanStream::with_test_results(data).unwrap();
        let got = until_found(|| stream.decode_next(), Duration::from_secs(5)).unwrap();
        assert_eq!(got, ["https://example.org/"]);
    }
}
