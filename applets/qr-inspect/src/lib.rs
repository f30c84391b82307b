//! privkit qr-inspect: decodes every QR code in an image, says what its payload is, and gives a
//! verdict (ok, warn, blocked) from URL heuristics and the DNS blocklists the user already runs.

#[doc(hidden)]
pub mod blocklist; // public for the benchmark example only
mod camera;
mod checks;
mod decode;
mod host;
mod lists;
mod mask;
mod model1;
mod payload;
mod reader;
mod report;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Command};
use privkit_core::{Code, Error, Outcome};

pub const APPLET: &str = "qr-inspect";

/// The whole path from image bytes to verdicts, without blocklists or output: the entry point
/// of the fuzz target (`fuzz/fuzz_targets/qr_inspect.rs`). Returns how many codes were judged;
/// any bytes may be refused, none may panic or hang.
#[doc(hidden)]
pub fn fuzz_inspect(bytes: &[u8]) -> usize {
    let lists = blocklist::Blocklists::default();
    let Ok(found) = decode::decode(bytes.to_vec()) else {
        return 0;
    };
    for code in &found.codes {
        let _ = checks::inspect(&code.payload, &lists);
    }
    found.codes.len()
}

/// The blocklist parser on any text as one list file: the second fuzz target.
#[doc(hidden)]
pub fn fuzz_blocklist(text: &[u8]) -> bool {
    // Lists are read from files (the loader checks the file type): one scratch file per process.
    let path = std::env::temp_dir().join(format!("privkit-fuzz-list-{}.txt", std::process::id()));
    if std::fs::write(&path, text).is_err() {
        return false;
    }
    let mut lists = blocklist::Blocklists::default();
    let loaded = lists.load(&path, false).is_ok();
    lists.finish();
    let _ = lists.judge("www.example.com");
    loaded
}

/// Image files larger than this are refused before they are read: a 40-megapixel photo is a
/// fraction of it, and the file, its pixels and the passes' copies must stay within 256 MB.
const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

const AFTER_HELP: &str = "\
Verdicts: blocked when the host or a parent domain is on a blocklist (and no allowlist rule \
covers it) or the scheme runs code (javascript:, data:, vbscript:, file:, intent:); warn for any \
other reason; ok otherwise.

Reasons: insecure-scheme, dangerous-scheme, ip-literal, userinfo, punycode, mixed-script, \
shortener, nonstandard-port, control-chars (also Unicode tag characters and Hangul fillers), \
blocklisted, wifi-open, otpauth-secret, binary-payload.

Kinds: url, wifi, otpauth, tel, sms, mailto, geo, vcard, text, binary (bytes that are not text \
in the encoding the code declares or ZXing guesses: UTF-8, Shift_JIS, ISO-8859-1; shown in hex, \
verdict warn).

Every code in an image is read and judged (QR, Micro QR and rMQR: --list-formats), and the \
image's verdict is the worst of its codes'. Images over 40 megapixels or 64 MiB are refused, \
and so are FIFOs and devices.

Blocklists: hosts files (0.0.0.0 name), plain domain lists (oisd), wildcards (*.name), adblock \
rules (||name^, with @@ exceptions as allow rules) and dnscrypt-proxy blocked_names (=name for \
that name only, ads.* and *tracker* patterns; a time restriction such as \"name @work\" is \
accepted and the rule applies at all times), mixed freely, told apart line by line. A rule \
for a domain covers its subdomains. Every file in /etc/privkit/blocklists/ and \
~/.config/privkit/blocklists/ is read too (allowlists/ beside them), unless --no-default-lists.

Exit codes: 0 all ok, 1 some warn, 2 some blocked, 4 an image held no QR code, 64 usage, 65 \
unreadable image, 66 missing file, 69 no camera (most severe wins).

Examples:
  privkit qr-inspect poster.jpg
  privkit qr-inspect --blocklist /etc/dnscrypt-proxy/blocked-names.txt screenshot.png
  grim -g \"$(slurp)\" - | privkit qr-inspect -
  privkit qr-inspect --json scan.png | jq -r 'select(.verdict == \"ok\") | .text'

JSON (--json) is one object per decoded code per line: file, status (\"decoded\"), index (from 1, \
in reading order), format (qr, micro-qr, rmqr), text (secrets masked unless --show-secrets; null \
for a binary payload, whose bytes are in bytes_hex), kind, verdict, reasons (a list of {code, \
detail}), rule ({list, line, pattern} of the blocklist rule that matched, or null). An image \
without a code gives one object {file, status, error}, status \"no-code\" or \"error\"; so does \
an image whose search stopped at its time or work limit (about 2 s: an image built to exhaust \
the readers), after the codes found in it, and it exits 65.

--raw prints each payload alone on its line (binary ones in hex), escaped as everywhere else; \
with --no-escape, and standard output not a terminal, the text is written as it is.";

pub fn command() -> Command {
    Command::new(APPLET)
        .about("Decode QR codes in images and tell whether their payload is safe to open")
        .after_long_help(AFTER_HELP)
        .arg(
            Arg::new("images")
                .value_name("IMAGE")
                .num_args(1..)
                .required_unless_present_any(["camera", "list-formats"])
                .value_parser(clap::value_parser!(PathBuf))
                .help("PNG, JPEG, GIF, BMP or WebP images; - reads one from standard input"),
        )
        .arg(
            Arg::new("blocklist")
                .long("blocklist")
                .value_name("FILE")
                .action(ArgAction::Append)
                .value_parser(clap::value_parser!(PathBuf))
                .help("A DNS blocklist (hosts, domains, adblock or dnscrypt-proxy format)"),
        )
        .arg(
            Arg::new("allowlist")
                .long("allowlist")
                .value_name("FILE")
                .action(ArgAction::Append)
                .value_parser(clap::value_parser!(PathBuf))
                .help("A list of domains never to block, in the same formats"),
        )
        .arg(
            Arg::new("no-default-lists")
                .long("no-default-lists")
                .action(ArgAction::SetTrue)
                .help("Do not read the lists in /etc/privkit and ~/.config/privkit"),
        )
        .arg(
            Arg::new("json")
                .long("json")
                .action(ArgAction::SetTrue)
                .help("Print one JSON object per decoded code per line"),
        )
        .arg(
            Arg::new("raw")
                .long("raw")
                .action(ArgAction::SetTrue)
                .conflicts_with("json")
                .help("Print only the payloads, one per line"),
        )
        .arg(
            Arg::new("no-escape")
                .long("no-escape")
                .action(ArgAction::SetTrue)
                .requires("raw")
                .help("With --raw: write payloads unescaped when standard output is not a terminal"),
        )
        .arg(
            Arg::new("list-formats")
                .long("list-formats")
                .action(ArgAction::SetTrue)
                .conflicts_with_all(["images", "camera", "json", "raw"])
                .help("List the symbologies read, one per line, and exit"),
        )
        .arg(
            Arg::new("show-secrets")
                .long("show-secrets")
                .action(ArgAction::SetTrue)
                .help("Show Wi-Fi passwords and two-factor seeds instead of masking them"),
        )
        .arg(
            Arg::new("camera")
                .long("camera")
                .value_name("DEVICE")
                .num_args(0..=1)
                .default_missing_value("/dev/video0")
                .value_parser(clap::value_parser!(PathBuf))
                .conflicts_with("images")
                .help("Scan from a video device until a code is seen (builds with the camera feature)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(u64).range(1..=3600))
                .help("With --camera: give up after this long, exit 4 [default: 30]"),
        )
}

pub fn run(m: &ArgMatches) -> Result<Outcome, Error> {
    if m.get_flag("list-formats") {
        for s in decode::Symbology::ALL {
            privkit_core::output::line(format_args!("{}\t{}", s.name(), s.description()))?;
        }
        return Ok(Outcome::OK);
    }
    if m.contains_id("timeout") && !m.contains_id("camera") {
        return Err(Error::usage("--timeout is only for --camera"));
    }
    let lists = lists::load(
        m.get_many::<PathBuf>("blocklist").into_iter().flatten(),
        m.get_many::<PathBuf>("allowlist").into_iter().flatten(),
        !m.get_flag("no-default-lists"),
    )?;
    let style = if m.get_flag("json") {
        report::Style::Json
    } else if m.get_flag("raw") {
        // Raw bytes go only where no terminal interprets them.
        let escape = !m.get_flag("no-escape") || std::io::stdout().is_terminal();
        report::Style::Raw { escape }
    } else {
        report::Style::Human
    };
    let printer = report::Printer {
        style,
        show_secrets: m.get_flag("show-secrets"),
    };
    if let Some(device) = m.get_one::<PathBuf>("camera") {
        let timeout = std::time::Duration::from_secs(*m.get_one::<u64>("timeout").unwrap_or(&30));
        let codes: Vec<report::Found> = camera::scan(device, timeout)?
            .into_iter()
            .map(|text| report::Found {
                payload: decode::Payload::Text(text),
                symbology: decode::Symbology::Qr,
            })
            .collect();
        return printer
            .file(&device.display().to_string(), &codes, &lists)
            .map(Outcome::new);
    }
    let mut outcome = Outcome::OK;
    for path in m.get_many::<PathBuf>("images").into_iter().flatten() {
        let name = if path.as_os_str() == "-" {
            "(standard input)".to_string()
        } else {
            path.display().to_string()
        };
        let result = read_image(path)
            .and_then(|bytes| decode::decode(bytes).map_err(|e| Error::data(e.0).about(&name)));
        match result {
            Ok(decoded) => {
                let found: Vec<report::Found> = decoded
                    .codes
                    .into_iter()
                    .map(|c| report::Found {
                        payload: c.payload,
                        symbology: c.symbology,
                    })
                    .collect();
                outcome.merge(printer.file(&name, &found, &lists)?);
                if !decoded.complete {
                    // An image built to exhaust the readers must not pass for a searched one.
                    let err = Error::data(
                        "search stopped at its time or work limit: the image may hold more codes",
                    )
                    .about(&name);
                    printer.failure(&name, &err)?;
                    outcome.merge(err.code());
                }
            }
            Err(err) => {
                if err.code() == Code::Usage {
                    return Err(err);
                }
                printer.failure(&name, &err)?;
                outcome.merge(err.code());
            }
        }
    }
    Ok(outcome)
}

fn read_image(path: &Path) -> Result<Vec<u8>, Error> {
    let too_large =
        || Error::data(format!("image too large (over {} MiB)", MAX_IMAGE_BYTES >> 20)).about(path);
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(MAX_IMAGE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::reading("(standard input)", &e))?;
        if bytes.len() as u64 > MAX_IMAGE_BYTES {
            return Err(too_large());
        }
        bytes
    } else {
        // Only regular files: a FIFO would block the run forever, a device never end.
        privkit_core::input::read_regular(path, MAX_IMAGE_BYTES).map_err(|e| match e.kind() {
            std::io::ErrorKind::InvalidData => too_large(),
            _ => input_error(path, &e),
        })?
    };
    if bytes.is_empty() {
        return Err(Error::data("empty file").about(path));
    }
    Ok(bytes)
}

/// An input that cannot be read; one that is not a regular file (a FIFO, a device, a
/// directory) is "no input" (66), as a missing one is.
pub(crate) fn input_error(path: &Path, err: &std::io::Error) -> Error {
    if err.kind() == std::io::ErrorKind::InvalidInput {
        Error::new(Code::NoInput, privkit_core::error::io_message(err)).about(path)
    } else {
        Error::reading(path, err)
    }
}
