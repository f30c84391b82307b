//! Random bytes from the kernel, for everything privkit makes up: machine ids, MAC addresses,
//! PDF file identifiers. A failing random source is an error, never a fallback: a predictable
//! "random" MAC address or machine id would defeat the point of changing it.

use crate::{Code, Error};

/// Fills `buf` from the operating system's random source (`getrandom(2)`).
pub fn fill(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf)
        .map_err(|e| Error::new(Code::IoErr, format!("the system's random source failed: {e}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_draws_differ() {
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        super::fill(&mut a).unwrap();
        super::fill(&mut b).unwrap();
        assert_ne!(a, b);
    }
}
