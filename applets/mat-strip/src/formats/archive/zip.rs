//! Zip archives that are not documents: every member cleaned by its own format or kept and
//! listed (see the family's comment); folders, links and modes kept; entries written back in
//! their order with the fixed time, no comments and no extra fields.

use privkit_core::Error;

use super::paths::Paths;
use super::{clean_member, Fate};
use crate::containers::zip::entries::{self, Kind};
use crate::containers::zip::package::{self, Package};
use crate::engine::members::Members;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Ctx, Format};
use crate::formats::document::{epub::Epub, odf::Odf, ooxml::Ooxml};

pub struct Zip;

impl Format for Zip {
    fn name(&self) -> &'static str {
        "ZIP"
    }

    fn describe(&self) -> &'static str {
        "zip archives (not OOXML, ODF or EPUB): every member cleaned by its own format (nested \
         archives and documents too); members of other formats kept byte for byte and listed as \
         unchecked (--unknown omit leaves them out, an explicit --unknown abort refuses the archive); entries get one fixed time, no comments or \
         extra fields; names, order, folders, links and modes kept. Absolute or '..' names and \
         links pointing outside are refused"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        package::sniff(head) == Some(Package::Plain)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let (mut entries, mut removed) = entries::read_entries(src, "ZIP", cx)?;
        // A document whose telling member was past the bytes sniffed.
        let mimetype = entries
            .iter()
            .find(|e| e.name == "mimetype")
            .map(|e| e.data.as_slice());
        match package::classify(entries.iter().map(|e| e.name.as_str()), mimetype) {
            Package::Ooxml => return Ooxml.plan(src, cx),
            Package::Odf => return Odf.plan(src, cx),
            Package::Epub => return Epub.plan(src, cx),
            Package::Plain => {}
        }
        let mut paths = Paths::default();
        let mut members = Members::default();
        let mut kept = Vec::with_capacity(entries.len());
        for mut entry in entries.drain(..) {
            paths.name("ZIP", entry.name.as_bytes())?;
            match entry.kind {
                Kind::Symlink => paths.symlink("ZIP", entry.name.as_bytes(), &entry.data)?,
                Kind::Dir => {}
                Kind::File => {
                    match clean_member(&entry.data, "ZIP", &entry.name, cx, &mut removed, &mut members)? {
                        Fate::Omit => continue,
                        Fate::Cleaned(data) => entry.data = data,
                        Fate::Same => {}
                    }
                }
            }
            kept.push(entry);
        }
        let mut plan = Plan::new();
        if !cx.inspecting() {
            plan.bytes(&entries::write_entries(&kept)?);
        }
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}
