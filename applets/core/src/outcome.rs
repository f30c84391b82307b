//! The result of an applet run that did not fail as a whole.

use crate::Code;

/// What an applet returns when it ran to the end. A batch that reported some per-item errors
/// on stderr and carried on still ends here, with the worst code it saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    code: Code,
}

impl Outcome {
    pub const OK: Outcome = Outcome { code: Code::Ok };

    pub fn new(code: Code) -> Self {
        Outcome { code }
    }

    pub fn code(self) -> Code {
        self.code
    }

    /// Keeps the more severe of the two codes.
    pub fn merge(&mut self, code: Code) {
        self.code = self.code.max(code);
    }
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome::OK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_the_worst() {
        let mut o = Outcome::OK;
        o.merge(Code::Findings);
        o.merge(Code::NoInput);
        o.merge(Code::DataErr);
        o.merge(Code::Ok);
        assert_eq!(o.code(), Code::NoInput);
    }
}
