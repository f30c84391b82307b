//! Zip archives that are not documents: every member cleaned by its own format or kept and
//! listed (see the family's comment); folders, links and modes kept; entries written back in
//! their order with the fixed time, no comments and no extra fields. Members are read one at a
//! time; one larger than `entries::HOLD` is inflated to a temporary file and cleaned from there
//! (a video inside a zip is never held in memory), and the output goes to a spool file.

use privkit_core::Error;

use super::paths::Paths;
use std::io::Write;

use super::{clean_member, clean_member_source, Fate, Streamed};
use crate::containers::zip::entries::{self, Data, Kind, Writer};
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
        let (mut entries, mut removed) = entries::open(src, "ZIP")?;
        // A document whose telling member was past the bytes sniffed.
        let names = entries.names()?;
        let mimetype = entries.small("mimetype", 256)?;
        match package::classify(names.iter().map(String::as_str), mimetype.as_deref()) {
            Package::Ooxml => return Ooxml.plan(src, cx),
            Package::Odf => return Odf.plan(src, cx),
            Package::Epub => return Epub.plan(src, cx),
            Package::Plain => {}
        }
        let mut paths = Paths::default();
        let mut members = Members::default();
        let mut out = if cx.inspecting() {
            None
        } else {
            Some(Writer::new()?)
        };
        for i in 0..entries.len() {
            let (meta, data) = entries.entry(i, cx)?;
            paths.name("ZIP", meta.name.as_bytes())?;
            match (meta.kind, data) {
                (Kind::File, Data::Held(data)) => {
                    let data = match clean_member(&data, "ZIP", &meta.name, cx, &mut removed, &mut members)? {
                        Fate::Omit => continue,
                        Fate::Cleaned(new) => new,
                        Fate::Same => data,
                    };
                    if let Some(out) = out.as_mut() {
                        out.file(&meta, &data)?.write_all(&data).map_err(write_failed)?;
                    }
                }
                (Kind::File, Data::Spilled(member)) => {
                    let head = member.cached(0).unwrap_or_default().to_vec();
                    let plan = match clean_member_source(
                        &member,
                        "ZIP",
                        &meta.name,
                        cx,
                        &mut removed,
                        &mut members,
                    )? {
                        Streamed::Omit => continue,
                        Streamed::Cleaned(plan) => plan,
                        Streamed::Same => {
                            let mut same = Plan::new();
                            same.range(0, member.len());
                            same
                        }
                    };
                    if let Some(out) = out.as_mut() {
                        plan.write_to(&member, out.file(&meta, &head)?)
                            .map_err(write_failed)?;
                    }
                }
                (Kind::Symlink, data) => {
                    let target = match &data {
                        Data::Held(t) => t.as_slice(),
                        Data::Spilled(_) => &[],
                    };
                    paths.symlink("ZIP", meta.name.as_bytes(), target)?;
                    if let Some(out) = out.as_mut() {
                        out.other(&meta, target)?;
                    }
                }
                (Kind::Dir, _) => {
                    if let Some(out) = out.as_mut() {
                        out.other(&meta, &[])?;
                    }
                }
            }
        }
        let mut plan = Plan::new();
        if let Some(out) = out {
            plan.spool(out.finish()?).map_err(write_failed)?;
        }
        Ok(Cleaned {
            plan,
            removed,
            members,
        })
    }
}

fn write_failed(e: std::io::Error) -> Error {
    Error::data(format!("writing the archive: {e}"))
}
