//! Reading a secret (a database password) without it ever touching argv, the environment, the
//! terminal's echo or memory that outlives its use.

use std::io::{self, BufRead, IsTerminal};

use zeroize::Zeroizing;

use crate::Error;

/// The longest secret accepted from stdin; a longer line is not a password.
const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Where the secret comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Prompt on the controlling terminal with echo off.
    Terminal,
    /// One line from standard input (`--password-stdin`).
    Stdin,
}

/// Reads one secret. From the terminal it prompts on /dev/tty with echo off; without a
/// terminal it refuses (exit 64) rather than wait for input that will never come.
pub fn read(source: Source, prompt: &str, how_else: &str) -> Result<Zeroizing<String>, Error> {
    match source {
        Source::Stdin => read_line(io::stdin().lock()),
        Source::Terminal => {
            if !io::stdin().is_terminal() && std::fs::File::open("/dev/tty").is_err() {
                return Err(Error::usage(format!(
                    "no terminal to read the password from; {how_else}"
                )));
            }
            rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| {
                    Error::usage(format!(
                        "cannot read the password from the terminal ({}); {how_else}",
                        crate::error::io_message(&e)
                    ))
                })
        }
    }
}

/// Reads one line (without its line ending) from `input`, bounded in size.
pub fn read_line(input: impl BufRead) -> Result<Zeroizing<String>, Error> {
    let mut raw = Zeroizing::new(Vec::new());
    input
        .take(MAX_SECRET_BYTES + 1)
        .read_until(b'\n', &mut raw)
        .map_err(|e| Error::reading("standard input", &e))?;
    if raw.len() as u64 > MAX_SECRET_BYTES {
        return Err(Error::usage(
            "the password on standard input is longer than 64 KiB",
        ));
    }
    while matches!(raw.last(), Some(b'\n' | b'\r')) {
        raw.pop();
    }
    match std::str::from_utf8(&raw) {
        Ok(s) => Ok(Zeroizing::new(s.to_owned())),
        Err(_) => Err(Error::usage("the password on standard input is not valid UTF-8")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_line_without_its_ending() {
        let s = read_line(&b"s3cret pass\r\nnext line\n"[..]).unwrap();
        assert_eq!(s.as_str(), "s3cret pass");
        let s = read_line(&b"no newline"[..]).unwrap();
        assert_eq!(s.as_str(), "no newline");
    }

    #[test]
    fn refuses_oversized_input() {
        let big = vec![b'a'; 70 * 1024];
        assert!(read_line(&big[..]).is_err());
    }
}
