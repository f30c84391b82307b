//! ASF (WMV, WMA, .asf): a Header Object, a Data Object, then index objects, each a 16-byte GUID
//! and a 64-bit size. Only the Header is rewritten: Content Description (title, author,
//! copyright...), Extended Content Description (the WM/ attributes, cover art), Content Branding
//! and Padding are dropped, and inside the Header Extension the Metadata and Metadata Library
//! records that are not needed to play the file (pixel aspect ratio is), stream names and
//! Padding; the File Properties' creation date is zeroed and its file size set to the new one.
//! Stream and codec descriptions, markers and script commands (content) stay byte for byte, and
//! so do the Data Object's packets and the indexes: they address packets by number, never by file
//! offset, so a smaller header moves nothing they point at. The packets are read only for a
//! video stream whose frames may be JPEGs (`asf_frames`): their metadata segments are zeroed in
//! place.
//!
//! The File ID (in File Properties, repeated in the Data Object and each Simple Index) is set to
//! zeros in all three when it is not zero already: it says nothing the player needs (ffmpeg
//! writes zeros, and every player reads that), and a time-based GUID carries the network card's
//! address and the moment the file was made. The three copies stay equal, as the spec requires.

use privkit_core::Error;

use crate::bytes::Cursor;
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::members::{self, Members};
use crate::engine::plan::Plan;
use crate::engine::source::{truncated, Source};
use crate::engine::{Category, Cleaned, Format, Found};
use crate::formats::video::asf_frames::{self, Stream};
use crate::formats::video::mjpeg::{self, Codec, Frames};
use crate::tags::{picture, text, value};

pub struct Asf;

/// A header larger than this is refused (it is read whole; cover art makes it a few MB).
const MAX_HEADER: u64 = 256 << 20;
/// Top-level objects after the header: a Data Object and a few indexes.
const MAX_TOP: usize = 1024;
/// Every object starts with its GUID and its 64-bit size.
const OBJECT: usize = 24;

type Guid = [u8; 16];

/// A GUID as stored: the first three fields little-endian, the last eight bytes as written.
const fn guid(a: u32, b: u16, c: u16, d: [u8; 8]) -> Guid {
    let a = a.to_le_bytes();
    let b = b.to_le_bytes();
    let c = c.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
    ]
}

const A6D9: [u8; 8] = [0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c];
const HEADER: Guid = guid(0x75b2_2630, 0x668e, 0x11cf, A6D9);
const DATA: Guid = guid(0x75b2_2636, 0x668e, 0x11cf, A6D9);
const SIMPLE_INDEX: Guid = guid(
    0x3300_0890,
    0xe5b1,
    0x11cf,
    [0x89, 0xf4, 0x00, 0xa0, 0xc9, 0x03, 0x49, 0xcb],
);
const FILE_PROPERTIES: Guid = guid(
    0x8cab_dca1,
    0xa947,
    0x11cf,
    [0x8e, 0xe4, 0x00, 0xc0, 0x0c, 0x20, 0x53, 0x65],
);
const HEADER_EXTENSION: Guid = guid(
    0x5fbf_03b5,
    0xa92e,
    0x11cf,
    [0x8e, 0xe3, 0x00, 0xc0, 0x0c, 0x20, 0x53, 0x65],
);
const CONTENT_DESCRIPTION: Guid = guid(0x75b2_2633, 0x668e, 0x11cf, A6D9);
const EXTENDED_CONTENT: Guid = guid(
    0xd2d0_a440,
    0xe307,
    0x11d2,
    [0x97, 0xf0, 0x00, 0xa0, 0xc9, 0x5e, 0xa8, 0x50],
);
const CONTENT_BRANDING: Guid = guid(
    0x2211_b3fa,
    0xbd23,
    0x11d2,
    [0xb4, 0xb7, 0x00, 0xa0, 0xc9, 0x55, 0xfc, 0x6e],
);
const PADDING: Guid = guid(
    0x1806_d474,
    0xcadf,
    0x4509,
    [0xa4, 0xba, 0x9a, 0xab, 0xcb, 0x96, 0xaa, 0xe8],
);
const EXTENDED_STREAM: Guid = guid(
    0x14e6_a5cb,
    0xc672,
    0x4332,
    [0x83, 0x99, 0xa9, 0x69, 0x52, 0x06, 0x5b, 0x5a],
);
const MARKER: Guid = guid(
    0xf487_cd01,
    0xa951,
    0x11cf,
    [0x8e, 0xe6, 0x00, 0xc0, 0x0c, 0x20, 0x53, 0x65],
);
const METADATA: Guid = guid(
    0xc5f8_cbea,
    0x5baf,
    0x4877,
    [0x84, 0x67, 0xaa, 0x8c, 0x44, 0xfa, 0x4c, 0xca],
);
const METADATA_LIBRARY: Guid = guid(
    0x4423_1c94,
    0x9498,
    0x49d1,
    [0xa1, 0x41, 0x1d, 0x13, 0x4e, 0x45, 0x70, 0x54],
);

const STREAM_PROPERTIES: Guid = guid(0xb7dc_0791, 0xa9b7, 0x11cf, E6);
const VIDEO_MEDIA: Guid = guid(
    0xbc19_efc0,
    0x5b4d,
    0x11cf,
    [0xa8, 0xfd, 0x00, 0x80, 0x5f, 0x5c, 0x44, 0x2b],
);

/// What is done with an object of the header or of its extension.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Structure the player needs: kept byte for byte.
    Keep,
    /// Content (markers, script commands): kept and listed.
    Content,
    /// Metadata: dropped, with what it holds listed.
    Drop,
    /// Metadata mixed with what a player needs (Metadata records with the aspect ratio, stream
    /// names in the Extended Stream Properties): only what the player needs stays.
    Records,
    /// DRM: rewriting a protected header breaks its signature and licence; refused.
    Protected,
}

const E6: [u8; 8] = [0x8e, 0xe6, 0x00, 0xc0, 0x0c, 0x20, 0x53, 0x65];
const B4B7: [u8; 8] = [0xb4, 0xb7, 0x00, 0xa0, 0xc9, 0x55, 0xfc, 0x6e];
const X9034: [u8; 8] = [0x90, 0x34, 0x00, 0xa0, 0xc9, 0x03, 0x49, 0xbe];

/// The objects a Header or Header Extension may hold (ASF specification 1.20, sections 3 and 4),
/// by GUID. Anything else is unknown: `--unknown` decides (refused by default).
const OBJECTS: &[(Guid, &str, Role)] = &[
    (STREAM_PROPERTIES, "Stream Properties", Role::Keep),
    (
        guid(
            0x86d1_5240,
            0x311d,
            0x11d0,
            [0xa3, 0xa4, 0x00, 0xa0, 0xc9, 0x03, 0x48, 0xf6],
        ),
        "Codec List",
        Role::Keep,
    ),
    (
        guid(0xd6e2_29dc, 0x35da, 0x11d1, X9034),
        "Bitrate Mutual Exclusion",
        Role::Keep,
    ),
    (
        guid(0x75b2_2635, 0x668e, 0x11cf, A6D9),
        "Error Correction",
        Role::Keep,
    ),
    (
        guid(
            0x7bf8_75ce,
            0x468d,
            0x11d1,
            [0x8d, 0x82, 0x00, 0x60, 0x97, 0xc9, 0xa2, 0xb2],
        ),
        "Stream Bitrate Properties",
        Role::Keep,
    ),
    (
        guid(
            0x1efb_1a30,
            0x0b62,
            0x11d0,
            [0xa3, 0x9b, 0x00, 0xa0, 0xc9, 0x03, 0x48, 0xf6],
        ),
        "Script Command",
        Role::Content,
    ),
    (MARKER, "Marker", Role::Content),
    (CONTENT_DESCRIPTION, "Content Description", Role::Drop),
    (EXTENDED_CONTENT, "Extended Content Description", Role::Drop),
    (CONTENT_BRANDING, "Content Branding", Role::Drop),
    (PADDING, "Padding", Role::Drop),
    (
        guid(0x2211_b3fb, 0xbd23, 0x11d2, B4B7),
        "Content Encryption",
        Role::Protected,
    ),
    (
        guid(
            0x298a_e614,
            0x2622,
            0x4c17,
            [0xb9, 0x35, 0xda, 0xe0, 0x7e, 0xe9, 0x28, 0x9c],
        ),
        "Extended Content Encryption",
        Role::Protected,
    ),
    (
        guid(0x2211_b3fc, 0xbd23, 0x11d2, B4B7),
        "Digital Signature",
        Role::Protected,
    ),
    // Inside the Header Extension.
    (EXTENDED_STREAM, "Extended Stream Properties", Role::Records),
    (
        guid(
            0xa086_49cf,
            0x4775,
            0x4670,
            [0x8a, 0x16, 0x6e, 0x35, 0x35, 0x75, 0x66, 0xcd],
        ),
        "Advanced Mutual Exclusion",
        Role::Keep,
    ),
    (
        guid(
            0xd146_5a40,
            0x5a79,
            0x4338,
            [0xb7, 0x1b, 0xe3, 0x6b, 0x8f, 0xd6, 0xc2, 0x49],
        ),
        "Group Mutual Exclusion",
        Role::Keep,
    ),
    (
        guid(
            0xd4fe_d15b,
            0x88d3,
            0x454f,
            [0x81, 0xf0, 0xed, 0x5c, 0x45, 0x99, 0x9e, 0x24],
        ),
        "Stream Prioritization",
        Role::Keep,
    ),
    (
        guid(
            0xa696_09e6,
            0x517b,
            0x11d2,
            [0xb6, 0xaf, 0x00, 0xc0, 0x4f, 0xd9, 0x08, 0xe9],
        ),
        "Bandwidth Sharing",
        Role::Keep,
    ),
    (
        guid(
            0x7c43_46a9,
            0xefe0,
            0x4bfc,
            [0xb2, 0x29, 0x39, 0x3e, 0xde, 0x41, 0x5c, 0x85],
        ),
        "Language List",
        Role::Keep,
    ),
    (
        guid(0xd6e2_29df, 0x35da, 0x11d1, X9034),
        "Index Parameters",
        Role::Keep,
    ),
    (
        guid(
            0x6b20_3bad,
            0x3f11,
            0x48e4,
            [0xac, 0xa8, 0xd7, 0x61, 0x3d, 0xe2, 0xcf, 0xa7],
        ),
        "Media Object Index Parameters",
        Role::Keep,
    ),
    (
        guid(
            0xf55e_496d,
            0x9797,
            0x4b5d,
            [0x8c, 0x8b, 0x60, 0x4d, 0xfe, 0x9b, 0xfb, 0x24],
        ),
        "Timecode Index Parameters",
        Role::Keep,
    ),
    (
        guid(
            0x26f1_8b5d,
            0x4584,
            0x47ec,
            [0x9f, 0x5f, 0x0e, 0x65, 0x1f, 0x04, 0x52, 0xc9],
        ),
        "Compatibility",
        Role::Keep,
    ),
    (
        guid(
            0xd9aa_de20,
            0x7c17,
            0x4f9c,
            [0xbc, 0x28, 0x85, 0x55, 0xdd, 0x98, 0xe2, 0xa2],
        ),
        "Index Placeholder",
        Role::Keep,
    ),
    (
        guid(
            0x4305_8533,
            0x6981,
            0x49e6,
            [0x9b, 0x74, 0xad, 0x12, 0xcb, 0x86, 0xd5, 0x8c],
        ),
        "Advanced Content Encryption",
        Role::Protected,
    ),
    (METADATA, "Metadata", Role::Records),
    (METADATA_LIBRARY, "Metadata Library", Role::Records),
];

/// The top-level objects after the Data Object: indexes of packets, copied byte for byte.
const INDEXES: &[(Guid, &str)] = &[
    (SIMPLE_INDEX, "Simple Index"),
    (guid(0xd6e2_29d3, 0x35da, 0x11d1, X9034), "Index"),
    (
        guid(
            0xfeb1_03f8,
            0x12ad,
            0x4c64,
            [0x84, 0x0f, 0x2a, 0x1d, 0x2f, 0x7a, 0xd4, 0x8c],
        ),
        "Media Object Index",
    ),
    (
        guid(
            0x3cb7_3fd0,
            0x0c4a,
            0x4803,
            [0x95, 0x3d, 0xed, 0xf7, 0xb6, 0x22, 0x8f, 0x0c],
        ),
        "Timecode Index",
    ),
];

/// Metadata records a player reads (the pixel aspect ratio): kept in a rebuilt Metadata object.
const PLAYBACK_RECORDS: &[&str] = &["AspectRatioX", "AspectRatioY"];

impl Format for Asf {
    fn name(&self) -> &'static str {
        "ASF"
    }

    fn describe(&self) -> &'static str {
        "ASF (WMV, WMA): removes Content Description (title, author, copyright), the WM/ \
         attributes with cover art, Content Branding, Metadata (Library) records, stream names, \
         padding, the creation date and file ID, and Motion JPEG frames' EXIF/XMP/comments (zeroed \
         in place); stream and codec descriptions, markers, the Data Object's other bytes and the \
         indexes kept"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Asf)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let len = src.len();
        let top = src.read(0, 30, "ASF: Header Object")?;
        let header_size = u64::from_le_bytes(arr(&top[16..24]));
        let count = u32::from_le_bytes(arr(&top[24..28]));
        if header_size < 30 || header_size > len {
            return Err(Error::data(format!(
                "corrupt ASF: a Header Object of {header_size} bytes in a file of {len}"
            )));
        }
        if header_size > MAX_HEADER {
            return Err(Error::data(format!(
                "unsupported ASF: a Header Object of {header_size} bytes (more than mat-strip reads)"
            )));
        }
        cx.charge(header_size)?;
        let header = src.read(0, header_size, "ASF: Header Object")?;
        let objects = children(&header, 30, header.len(), "Header Object")?;
        if objects.len() != count as usize {
            return Err(Error::data(format!(
                "corrupt ASF: the Header Object says it holds {count} objects, it holds {}",
                objects.len()
            )));
        }
        let mut w = Walk::default();
        let mut parts: Vec<Part> = Vec::new();
        let mut props = None;
        for o in &objects {
            let body = &header[o.at..o.end];
            match o.guid {
                FILE_PROPERTIES if props.is_none() => {
                    w.file_properties(body)?;
                    props = Some(parts.len());
                    parts.push(Part::Bytes(body.to_vec()));
                }
                FILE_PROPERTIES => return Err(Error::data("corrupt ASF: two File Properties Objects")),
                HEADER_EXTENSION => parts.push(w.extension(body, cx)?),
                _ => {
                    if let Some(p) = w.object(o, body, cx, false)? {
                        parts.push(p);
                    }
                }
            }
        }
        let props = props.ok_or_else(|| Error::data("corrupt ASF: no File Properties Object"))?;
        let tail = w.top_level(src, header_size, cx)?;
        for stream in std::mem::take(&mut w.jpeg) {
            stream.frames.report(&mut w.removed);
        }

        let new_header = 30 + parts.iter().map(Part::len).sum::<u64>();
        let total = new_header + tail.iter().map(Part::len).sum::<u64>();
        if let Part::Bytes(fp) = &mut parts[props] {
            // Creation date zero, File ID zero (see the module's comment); the file size is the
            // new one unless the broadcast flag says the field is not valid anyway.
            fp[24..40].fill(0);
            if !no_date(u64::from_le_bytes(arr(&fp[48..56]))) {
                fp[48..56].fill(0);
            }
            if fp[88] & 1 == 0 {
                fp[40..48].copy_from_slice(&total.to_le_bytes());
            }
        }
        let mut plan = Plan::new();
        if !cx.inspecting() {
            let mut head = top.clone();
            head[16..24].copy_from_slice(&new_header.to_le_bytes());
            head[24..28].copy_from_slice(&(parts.len() as u32).to_le_bytes());
            plan.bytes(&head);
            for p in parts.into_iter().chain(tail) {
                p.write(&mut plan);
            }
        }
        Ok(Cleaned {
            plan,
            removed: w.removed,
            members: w.members,
        })
    }
}

/// A piece of the output: an object as it was (a range of the input) or rebuilt.
enum Part {
    Range(u64, u64),
    Bytes(Vec<u8>),
    /// A range with holes written as zeros, and patches over them (the metadata in video
    /// frames: `mjpeg::write`).
    Wiped(u64, u64, Vec<(u64, u64)>, Vec<(u64, Vec<u8>)>),
}

impl Part {
    fn len(&self) -> u64 {
        match self {
            Part::Range(_, n) | Part::Wiped(_, n, ..) => *n,
            Part::Bytes(b) => b.len() as u64,
        }
    }

    fn write(self, plan: &mut Plan) {
        match self {
            Part::Range(at, n) => plan.range(at, n),
            Part::Wiped(at, n, holes, patches) => mjpeg::write(plan, at, n, &holes, &patches),
            Part::Bytes(b) => plan.owned_bytes(b),
        }
    }
}

/// One object: its GUID and where it is (offsets in the buffer it was found in).
struct Object {
    guid: Guid,
    at: usize,
    end: usize,
}

/// The objects from `start` to `end` of `buf`, which must fill it exactly.
fn children(buf: &[u8], start: usize, end: usize, what: &str) -> Result<Vec<Object>, Error> {
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        if end - at < OBJECT {
            return Err(Error::data(format!(
                "corrupt ASF: {} stray bytes at the end of the {what}",
                end - at
            )));
        }
        let size = u64::from_le_bytes(arr(&buf[at + 16..at + 24]));
        if size < OBJECT as u64 {
            return Err(Error::data(format!(
                "corrupt ASF: an object of {size} bytes at offset {at} in the {what}"
            )));
        }
        if size > (end - at) as u64 {
            return Err(Error::data(format!(
                "corrupt ASF: an object of {size} bytes at offset {at} runs past the end of the {what}"
            )));
        }
        out.push(Object {
            guid: arr(&buf[at..at + 16]),
            at,
            end: at + size as usize,
        });
        at += size as usize;
    }
    Ok(out)
}

fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(&b[..N]);
    a
}

#[derive(Default)]
struct Walk {
    removed: Vec<Found>,
    members: Members,
    /// Video streams whose frames may be JPEGs (`mjpeg`): read in the data packets.
    jpeg: Vec<Stream>,
    /// The data packets' size (File Properties), when they all have the same.
    packet: Option<u64>,
}

impl Walk {
    /// Lists the creation date and File ID of the File Properties Object.
    fn file_properties(&mut self, body: &[u8]) -> Result<(), Error> {
        if body.len() < 104 {
            return Err(Error::data(format!(
                "corrupt ASF: a File Properties Object of {} bytes",
                body.len()
            )));
        }
        let file_id: Guid = arr(&body[24..40]);
        if file_id != [0; 16] {
            // The version is the high nibble of the third field (stored little-endian).
            let time_based = file_id[7] >> 4 == 1;
            let note = if time_based {
                " (time-based: holds a network card's address and the time it was made)"
            } else {
                ""
            };
            let f = Found::new("ASF", "File ID", format!("{}{note}", guid_text(&file_id)));
            self.removed.push(if time_based {
                f.in_category(Category::Device)
            } else {
                f
            });
        }
        let (min, max) = (
            u32::from_le_bytes(arr(&body[92..96])),
            u32::from_le_bytes(arr(&body[96..100])),
        );
        self.packet = (min == max).then_some(min as u64);
        let created = u64::from_le_bytes(arr(&body[48..56]));
        if !no_date(created) {
            self.removed
                .push(Found::new("ASF", "Creation Date", filetime(created)).in_category(Category::Time));
        }
        Ok(())
    }

    /// The Header Extension rebuilt from the objects it keeps.
    fn extension(&mut self, body: &[u8], cx: &mut Ctx) -> Result<Part, Error> {
        if body.len() < 46 {
            return Err(Error::data(format!(
                "corrupt ASF: a Header Extension Object of {} bytes",
                body.len()
            )));
        }
        let inner = u32::from_le_bytes(arr(&body[42..46])) as usize;
        if inner != body.len() - 46 {
            return Err(Error::data(format!(
                "corrupt ASF: the Header Extension says it holds {inner} bytes, it holds {}",
                body.len() - 46
            )));
        }
        let mut out = body[..46].to_vec();
        for o in children(body, 46, body.len(), "Header Extension")? {
            let part = match o.guid {
                HEADER_EXTENSION | FILE_PROPERTIES => {
                    return Err(Error::data(format!(
                        "corrupt ASF: a {} inside the Header Extension",
                        name_of(&o.guid).unwrap_or("Header Extension")
                    )))
                }
                _ => self.object(&o, &body[o.at..o.end], cx, true)?,
            };
            match part {
                Some(Part::Bytes(b)) => out.extend_from_slice(&b),
                Some(Part::Range(..) | Part::Wiped(..)) => out.extend_from_slice(&body[o.at..o.end]),
                None => {}
            }
        }
        let size = out.len() as u64;
        out[16..24].copy_from_slice(&size.to_le_bytes());
        out[42..46].copy_from_slice(&((size - 46) as u32).to_le_bytes());
        Ok(Part::Bytes(out))
    }

    /// One object of the header (or, `inside`, of its extension): what stays of it.
    fn object(&mut self, o: &Object, body: &[u8], cx: &mut Ctx, inside: bool) -> Result<Option<Part>, Error> {
        let known = OBJECTS.iter().find(|(g, ..)| *g == o.guid);
        let keep = Some(Part::Range(o.at as u64, body.len() as u64));
        let Some(&(_, name, role)) = known else {
            let what = format!("{} bytes", body.len());
            let label = format!("object {}", guid_text(&o.guid));
            let place = if inside { "ASF Header Extension" } else { "ASF" };
            let omit = members::unknown(
                cx.opts.unknown,
                place,
                &label,
                &what,
                &mut self.removed,
                &mut self.members,
            )?;
            return Ok(if omit { None } else { keep });
        };
        match role {
            Role::Keep if o.guid == STREAM_PROPERTIES => {
                // The first object of a stream number only (the one its payloads go to): a
                // header repeating it 100,000 times made each payload look along the list.
                let new = |(n, _): &(u8, Codec)| !self.jpeg.iter().any(|s| s.number() == *n);
                if let Some((n, codec)) = jpeg_stream(body).filter(new) {
                    let frames = Frames::new(format!("video frames of stream {n}"), codec);
                    self.jpeg.push(Stream::new(n, frames));
                }
                Ok(keep)
            }
            Role::Keep => Ok(keep),
            Role::Content => {
                if o.guid == MARKER {
                    self.members.kept.extend(markers(body)?);
                }
                Ok(keep)
            }
            Role::Protected => Err(Error::data(format!(
                "unsupported ASF: a protected (DRM) file ({name} Object): rewriting its header \
                 would break its licence"
            ))),
            Role::Drop => {
                let found = match o.guid {
                    CONTENT_DESCRIPTION => content_description(body)?,
                    EXTENDED_CONTENT => extended_content(body)?,
                    CONTENT_BRANDING => branding(body)?,
                    _ => padding(body),
                };
                self.removed.extend(found);
                Ok(None)
            }
            Role::Records => {
                let (found, kept) = if o.guid == EXTENDED_STREAM {
                    stream_names(body)?
                } else {
                    metadata(body, name, o.guid == METADATA_LIBRARY)?
                };
                let dropped = !found.is_empty();
                self.removed.extend(found);
                Ok(match kept {
                    _ if !dropped => keep,
                    None => None,
                    Some(b) => Some(Part::Bytes(b)),
                })
            }
        }
    }

    /// The objects after the header: the Data Object and the indexes, by range (their File ID
    /// copies zeroed); a short tail of no object is removed and listed.
    fn top_level(&mut self, src: &Source, start: u64, cx: &mut Ctx) -> Result<Vec<Part>, Error> {
        let len = src.len();
        let mut out = Vec::new();
        let mut pos = start;
        let mut data = false;
        while pos < len {
            if out.len() >= MAX_TOP {
                return Err(Error::data(format!(
                    "unsupported ASF: more than {MAX_TOP} objects"
                )));
            }
            if len - pos < OBJECT as u64 {
                self.removed.push(Found::new(
                    "ASF",
                    "Trailer",
                    format!("{} bytes after the last object", len - pos),
                ));
                break;
            }
            let head = src.read(pos, OBJECT as u64, "ASF: object")?;
            let id: Guid = arr(&head[..16]);
            let size = u64::from_le_bytes(arr(&head[16..24]));
            if size < OBJECT as u64 {
                return Err(Error::data(format!(
                    "corrupt ASF: an object of {size} bytes at offset {pos}"
                )));
            }
            if size > len - pos {
                let what = format!("ASF: {} Object", name_of(&id).unwrap_or("top-level"));
                return Err(truncated(&what, len - pos, size));
            }
            // Where the File ID sits in the object, if it has one.
            let id_at = match id {
                DATA if !data => {
                    data = true;
                    Some(24)
                }
                DATA => return Err(Error::data("corrupt ASF: two Data Objects")),
                HEADER => return Err(Error::data("corrupt ASF: two Header Objects")),
                _ if !data => {
                    return Err(Error::data(format!(
                        "corrupt ASF: an object {} before the Data Object",
                        guid_text(&id)
                    )))
                }
                SIMPLE_INDEX => Some(24),
                _ if INDEXES.iter().any(|(g, _)| *g == id) => None,
                _ => {
                    let label = format!("object {}", guid_text(&id));
                    let what = format!("{size} bytes");
                    if !members::unknown(
                        cx.opts.unknown,
                        "ASF",
                        &label,
                        &what,
                        &mut self.removed,
                        &mut self.members,
                    )? {
                        out.push(Part::Range(pos, size));
                    }
                    pos += size;
                    continue;
                }
            };
            let (holes, patches) = if id == DATA && !self.jpeg.is_empty() {
                let packet = self.packet.ok_or_else(|| {
                    Error::data("unsupported ASF: data packets of varying size (with a video stream whose frames may be JPEGs)")
                })?;
                asf_frames::read(src, cx, pos, size, packet, &mut self.jpeg)?
            } else {
                Default::default()
            };
            match id_at {
                Some(at) if size >= at + 16 => {
                    let prefix = src.read(pos, at + 16, "ASF: object")?;
                    // Each copy of the File ID is zeroed, whether or not it matches the File
                    // Properties' (the spec says it must; an identifier is gone either way).
                    let copy: Guid = arr(&prefix[at as usize..]);
                    if copy == [0; 16] {
                        out.push(Part::Wiped(pos, size, holes, patches));
                    } else {
                        let mut prefix = prefix;
                        prefix[at as usize..].fill(0);
                        out.push(Part::Bytes(prefix));
                        out.push(Part::Wiped(pos + at + 16, size - at - 16, holes, patches));
                    }
                }
                Some(_) => {
                    return Err(Error::data(format!(
                        "corrupt ASF: a {} Object of {size} bytes",
                        name_of(&id).unwrap_or("Data")
                    )))
                }
                None => out.push(Part::Range(pos, size)),
            }
            pos += size;
        }
        if !data {
            return Err(Error::data("corrupt ASF: no Data Object"));
        }
        Ok(out)
    }
}

/// A video stream whose frames may be JPEGs (Motion JPEG, what ffmpeg and mat2 make of a cover
/// picture, or a code mat-strip does not know): its number and codec. `object` is the Stream
/// Properties Object, header included; the codec is the BITMAPINFOHEADER's compression in the
/// stream's type-specific data (ASF 1.20, 3.3 and 9.2: after the 24-byte header, at
/// 54 + 11 + 16).
fn jpeg_stream(object: &[u8]) -> Option<(u8, Codec)> {
    const COMPRESSION: usize = 24 + 54 + 11 + 16;
    if object.get(24..40) != Some(&VIDEO_MEDIA[..]) {
        return None;
    }
    let code = object.get(COMPRESSION..COMPRESSION + 4).unwrap_or_default();
    let stream = object.get(24 + 48).map_or(0, |f| f & 0x7f);
    match mjpeg::codec(code) {
        Codec::Other => None,
        codec => Some((stream, codec)),
    }
}

fn name_of(id: &Guid) -> Option<&'static str> {
    match *id {
        HEADER => Some("Header"),
        DATA => Some("Data"),
        FILE_PROPERTIES => Some("File Properties"),
        HEADER_EXTENSION => Some("Header Extension"),
        _ => OBJECTS
            .iter()
            .map(|(g, n, _)| (g, n))
            .chain(INDEXES.iter().map(|(g, n)| (g, n)))
            .find(|(g, _)| *g == id)
            .map(|(_, n)| *n),
    }
}

/// `75B22630-668E-11CF-A6D9-00AA0062CE6C`, as the specification writes GUIDs.
fn guid_text(g: &Guid) -> String {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let le = |b: &[u8]| hex(&b.iter().rev().copied().collect::<Vec<u8>>());
    format!(
        "{}-{}-{}-{}-{}",
        le(&g[0..4]),
        le(&g[4..6]),
        le(&g[6..8]),
        hex(&g[8..10]),
        hex(&g[10..16])
    )
}

/// The FILETIME of 1970-01-01, which ffmpeg writes when it has no creation time.
const UNIX_EPOCH: u64 = 11_644_473_600 * 10_000_000;

/// Whether a creation date says nothing (zero, or ffmpeg's "none"): left as it is.
fn no_date(t: u64) -> bool {
    t == 0 || t == UNIX_EPOCH
}

/// A FILETIME (100 ns since 1601) in ISO 8601.
fn filetime(t: u64) -> String {
    value::utc((t / 10_000_000) as i64 - 11_644_473_600)
}

/// UTF-16LE text without its terminating NULs.
fn utf16(b: &[u8]) -> String {
    text::utf16le(b).trim_end_matches('\0').to_string()
}

/// Title, Author, Copyright, Description and Rating: five lengths, then five UTF-16 strings.
fn content_description(body: &[u8]) -> Result<Vec<Found>, Error> {
    let mut c = Cursor::new(&body[OBJECT..], "ASF Content Description");
    let mut lens = [0usize; 5];
    for l in &mut lens {
        *l = c.le16()? as usize;
    }
    let mut out = Vec::new();
    for (name, n) in ["Title", "Author", "Copyright", "Description", "Rating"]
        .into_iter()
        .zip(lens)
    {
        let text = utf16(c.take(n)?);
        if !text.is_empty() {
            out.push(Found::new("ASF", name, text));
        }
    }
    Ok(out)
}

/// The WM/ attributes: a count, then name, type and value of each.
fn extended_content(body: &[u8]) -> Result<Vec<Found>, Error> {
    let mut c = Cursor::new(&body[OBJECT..], "ASF Extended Content Description");
    let count = c.le16()?;
    let mut out = Vec::new();
    for _ in 0..count {
        let n = c.le16()? as usize;
        let name = utf16(c.take(n)?);
        let kind = c.le16()?;
        let n = c.le16()? as usize;
        out.push(attribute(&name, kind, c.take(n)?));
    }
    Ok(out)
}

/// Metadata and Metadata Library records: the findings, and the object rebuilt from the records
/// a player needs (None: none left).
fn metadata(body: &[u8], what: &'static str, library: bool) -> Result<(Vec<Found>, Option<Vec<u8>>), Error> {
    let mut c = Cursor::new(
        &body[OBJECT..],
        if library {
            "ASF Metadata Library"
        } else {
            "ASF Metadata"
        },
    );
    let count = c.le16()?;
    let mut found = Vec::new();
    let mut kept: Vec<&[u8]> = Vec::new();
    for _ in 0..count {
        let start = c.pos();
        let _language = c.le16()?;
        let stream = c.le16()?;
        let name_len = c.le16()? as usize;
        let kind = c.le16()?;
        let data_len = c.le32()? as usize;
        let name = utf16(c.take(name_len)?);
        let data = c.take(data_len)?;
        if PLAYBACK_RECORDS.contains(&name.as_str()) {
            kept.push(&body[OBJECT + start..OBJECT + c.pos()]);
        } else {
            let mut f = attribute(&name, kind, data);
            if stream != 0 {
                f.kind = format!("ASF {what} (stream {stream})");
            }
            found.push(f);
        }
    }
    if kept.is_empty() {
        return Ok((found, None));
    }
    let mut out = body[..OBJECT].to_vec();
    out.extend_from_slice(&(kept.len() as u16).to_le_bytes());
    for r in kept {
        out.extend_from_slice(r);
    }
    let size = out.len() as u64;
    out[16..24].copy_from_slice(&size.to_le_bytes());
    Ok((found, Some(out)))
}

/// The stream names of an Extended Stream Properties Object (a name the encoder or the user
/// gave: like AVI's `strn`), and the object rebuilt without them (None: it has none). The
/// payload extension systems and the embedded Stream Properties Object after them stay.
fn stream_names(body: &[u8]) -> Result<(Vec<Found>, Option<Vec<u8>>), Error> {
    // Times, rates, sizes, flags, stream number, language, frame time: 60 bytes, then the two
    // counts.
    const COUNTS: usize = OBJECT + 60;
    let mut c = Cursor::new(body, "ASF Extended Stream Properties");
    c.seek(COUNTS)?;
    let names = c.le16()?;
    c.le16()?;
    if names == 0 {
        return Ok((Vec::new(), None));
    }
    let stream = u16::from_le_bytes([body[OBJECT + 48], body[OBJECT + 49]]);
    let mut found = Vec::new();
    for _ in 0..names {
        c.le16()?;
        let n = c.le16()? as usize;
        let name = utf16(c.take(n)?);
        let f = Found::new(format!("ASF stream {stream}"), "Stream Name", name);
        found.push(f.in_category(Category::Content));
    }
    let mut out = body[..COUNTS].to_vec();
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&body[COUNTS + 2..COUNTS + 4]);
    out.extend_from_slice(c.rest());
    let size = out.len() as u64;
    out[16..24].copy_from_slice(&size.to_le_bytes());
    Ok((found, Some(out)))
}

/// One attribute, its value readable: text, numbers, dates (FILETIMEs), GUIDs, pictures.
fn attribute(name: &str, kind: u16, data: &[u8]) -> Found {
    let number = || {
        let mut b = [0u8; 8];
        let n = data.len().min(8);
        b[..n].copy_from_slice(&data[..n]);
        u64::from_le_bytes(b)
    };
    let value = match kind {
        0 => utf16(data),
        1 if name == "WM/Picture" => wm_picture(data),
        1 => format!("{} bytes{}", data.len(), text::readable(data)),
        2 => (number() != 0).to_string(),
        4 if name.ends_with("Time") || name.contains("Date") => filetime(number()),
        3..=5 => number().to_string(),
        6 if data.len() == 16 => guid_text(&arr(data)),
        _ => format!("{} bytes of type {kind}", data.len()),
    };
    let found = Found::new("ASF", name, value);
    // Names the shared table does not read as they are meant.
    let local = name.strip_prefix("WM/").unwrap_or(name);
    match local {
        "EncodingSettings" | "ToolName" | "ToolVersion" | "EncodedBy" | "Provider" => {
            found.in_category(Category::Device)
        }
        _ if local.contains("Year") => found.in_category(Category::Time),
        _ => found,
    }
}

/// WM/Picture: a picture type, the data's length, MIME type and description (NUL-terminated
/// UTF-16), then the picture.
fn wm_picture(data: &[u8]) -> String {
    let parsed = (|| {
        let mut c = Cursor::new(data, "ASF WM/Picture");
        c.u8()?;
        let n = c.le32()? as usize;
        let mime = utf16_z(&mut c)?;
        let description = utf16_z(&mut c)?;
        let picture = c.take(n)?;
        Ok::<_, Error>((mime, description, picture::describe(picture)))
    })();
    match parsed {
        Ok((_, d, p)) if !d.is_empty() => format!("cover: {p}, \"{d}\""),
        Ok((_, _, p)) => format!("cover: {p}"),
        Err(_) => format!("{} bytes of picture data", data.len()),
    }
}

/// A NUL-terminated UTF-16 string.
fn utf16_z(c: &mut Cursor) -> Result<String, Error> {
    let start = c.pos();
    while c.le16()? != 0 {}
    let rest = c.pos();
    c.seek(start)?;
    let s = utf16(c.take(rest - start)?);
    Ok(s)
}

/// Content Branding: a banner image, the banner's link and a copyright URL.
fn branding(body: &[u8]) -> Result<Vec<Found>, Error> {
    let mut c = Cursor::new(&body[OBJECT..], "ASF Content Branding");
    c.le32()?;
    let n = c.le32()? as usize;
    let banner = c.take(n)?;
    let n = c.le32()? as usize;
    let banner_url = crate::engine::summary(c.take(n)?);
    let n = c.le32()? as usize;
    let copyright_url = crate::engine::summary(c.take(n)?);
    let mut out = Vec::new();
    if !banner.is_empty() {
        out.push(Found::new("ASF", "Banner Image", picture::describe(banner)).in_category(Category::Content));
    }
    if !banner_url.is_empty() {
        out.push(Found::new("ASF", "Banner Image URL", banner_url).in_category(Category::Identity));
    }
    if !copyright_url.is_empty() {
        out.push(Found::new("ASF", "Copyright URL", copyright_url).in_category(Category::Identity));
    }
    Ok(out)
}

/// Padding is free space: listed only when something was written there.
fn padding(body: &[u8]) -> Vec<Found> {
    let data = &body[OBJECT..];
    let written = data.iter().filter(|&&b| b != 0).count();
    if written == 0 {
        return Vec::new();
    }
    let value = format!("free space with {written} non-zero bytes{}", text::readable(data));
    vec![Found::new("ASF", "Padding", value)]
}

/// The names of a Marker Object's markers (content, kept: listed by --show).
fn markers(body: &[u8]) -> Result<Vec<Found>, Error> {
    let mut c = Cursor::new(&body[OBJECT..], "ASF Marker");
    c.skip(16)?;
    let count = c.le32()?;
    c.le16()?;
    let n = c.le16()? as usize;
    let name = utf16(c.take(n)?);
    let mut out = Vec::new();
    if !name.is_empty() {
        out.push(Found::new("ASF", "Marker list", name).in_category(Category::Content));
    }
    for _ in 0..count {
        // Offset, presentation time, entry length, send time, flags: the entry length is not
        // needed (ffmpeg reads the name by its own length too).
        c.skip(8 + 8 + 2 + 4 + 4)?;
        let chars = c.le32()? as usize;
        let name = utf16(c.take(chars.saturating_mul(2))?);
        out.push(Found::new("ASF", "Marker", name).in_category(Category::Content));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_read_as_the_specification_writes_them() {
        assert_eq!(guid_text(&HEADER), "75B22630-668E-11CF-A6D9-00AA0062CE6C");
        assert_eq!(guid_text(&PADDING), "1806D474-CADF-4509-A4BA-9AABCB96AAE8");
        assert_eq!(&HEADER[..4], &[0x30, 0x26, 0xb2, 0x75]);
    }

    #[test]
    fn filetimes_are_dates() {
        // 2019-03-04T05:06:07Z
        assert_eq!(
            filetime((1_551_675_967 + 11_644_473_600) * 10_000_000),
            "2019-03-04T05:06:07Z"
        );
    }

    #[test]
    fn objects_must_fill_their_parent() {
        let mut buf = PADDING.to_vec();
        buf.extend_from_slice(&30u64.to_le_bytes());
        buf.extend_from_slice(&[0; 6]);
        assert_eq!(children(&buf, 0, buf.len(), "test").unwrap().len(), 1);
        assert!(children(&buf, 0, buf.len() - 1, "test").is_err());
        buf[16] = 0;
        assert!(children(&buf, 0, buf.len(), "test").is_err());
        buf[16] = 23;
        assert!(children(&buf, 0, buf.len(), "test").is_err());
    }
}
