//! TIFF, BigTIFF (both byte orders), DNG and TIFF-based camera raws: rewritten keeping only
//! the tags that describe the image data and its raw processing ([`KEEP`], with the reason for
//! each), so EXIF/GPS/Interop directories, maker notes, XMP, IPTC, Photoshop data, owner and
//! serial numbers, DNGPrivateData, original file names, dates, software and every other tag
//! go. Every page and every sub-image (SubIFDs, tag 330: DNG raws, previews) is kept, walked
//! and rewritten; strips and tiles are moved untouched (Plan ranges) and their offsets patched.
//! Only the directories and their values are read into memory (bounded reads), never the
//! image data. An old-style JPEG page (Compression 6) keeps its JPEG stream byte for byte
//! (JPEGInterchangeFormat, with the strips that point inside it), once its headers are seen
//! to carry no metadata. JPEG-compressed strips and tiles (DNG previews, which carry their own
//! EXIF and XMP) whose headers carry metadata go through the JPEG cleaner, their lengths
//! patched; the rest are moved untouched.

use std::collections::HashSet;

use privkit_core::Error;

use crate::containers::ifd::{self, Layout, Order};
use crate::engine::ctx::Ctx;
use crate::engine::file_type::{self, Kind};
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{Cleaned, Format, Found, Options};

pub struct Tiff;

const STRIP_OFFSETS: u16 = 273;
const STRIP_COUNTS: u16 = 279;
const TILE_OFFSETS: u16 = 324;
const TILE_COUNTS: u16 = 325;
const SUB_IFDS: u16 = 330;
const ORIENTATION: u16 = 274;
const ICC: u16 = 34675;
/// Old-style JPEG (Compression 6): where the whole JPEG stream is, and its length.
const JPEG_IF: u16 = 513;
const JPEG_IF_LENGTH: u16 = 514;
/// Old-style JPEG tables by offset (quantisation, DC, AC): not rewritten, refused.
const JPEG_TABLE_OFFSETS: [u16; 3] = [519, 520, 521];
/// How much of an old-style JPEG stream's headers is read to check them.
const JPEG_HEADERS_MAX: u64 = 256 * 1024;
/// Compression values whose strips and tiles are JPEG streams (TIFF's, DNG's lossy JPEG).
const JPEG: u32 = 7;
const LOSSY_JPEG: u32 = 34892;
/// A JPEG strip or tile with metadata in its headers is read whole to be cleaned: previews
/// are small; a larger one is refused.
const JPEG_CHUNK_MAX: u64 = 16 * 1024 * 1024;

/// How deep SubIFDs may nest (DNG uses one level; a little room for odd raws).
const MAX_DEPTH: usize = 4;

/// Every tag kept, with why: the rest of a directory is dropped (and listed by --show). The
/// strip/tile offsets and counts and SubIFDs are rebuilt by the writer.
pub const KEEP: &[(u16, &str, &str)] = &[
    (254, "NewSubfileType", "which image this is (preview, raw, mask)"),
    (255, "SubfileType", "which image this is (old form)"),
    (256, "ImageWidth", "dimensions"),
    (257, "ImageLength", "dimensions"),
    (258, "BitsPerSample", "sample layout"),
    (259, "Compression", "how the strips are coded"),
    (
        262,
        "PhotometricInterpretation",
        "colour model (RGB, CFA, LinearRaw...)",
    ),
    (263, "Threshholding", "bilevel rendering"),
    (266, "FillOrder", "bit order of the samples"),
    (
        274,
        "Orientation",
        "display rotation (only with --keep-orientation)",
    ),
    (277, "SamplesPerPixel", "sample layout"),
    (278, "RowsPerStrip", "strip layout"),
    (282, "XResolution", "physical size"),
    (283, "YResolution", "physical size"),
    (284, "PlanarConfiguration", "sample layout"),
    (290, "GrayResponseUnit", "tone curve"),
    (291, "GrayResponseCurve", "tone curve"),
    (296, "ResolutionUnit", "physical size"),
    (301, "TransferFunction", "tone curve"),
    (317, "Predictor", "decoding of LZW/deflate data"),
    (318, "WhitePoint", "colorimetry"),
    (319, "PrimaryChromaticities", "colorimetry"),
    (320, "ColorMap", "palette"),
    (321, "HalftoneHints", "rendering"),
    (322, "TileWidth", "tile layout"),
    (323, "TileLength", "tile layout"),
    (332, "InkSet", "separations"),
    (334, "NumberOfInks", "separations"),
    (338, "ExtraSamples", "alpha channel"),
    (339, "SampleFormat", "integer or float samples"),
    (340, "SMinSampleValue", "sample range"),
    (341, "SMaxSampleValue", "sample range"),
    (347, "JPEGTables", "decoding of JPEG-compressed strips"),
    (512, "JPEGProc", "old-style JPEG: decoding"),
    (
        514,
        "JPEGInterchangeFormatLength",
        "old-style JPEG: the stream's length",
    ),
    (515, "JPEGRestartInterval", "old-style JPEG: decoding"),
    (517, "JPEGLosslessPredictors", "old-style JPEG: decoding"),
    (518, "JPEGPointTransforms", "old-style JPEG: decoding"),
    (529, "YCbCrCoefficients", "colour conversion"),
    (530, "YCbCrSubSampling", "colour conversion"),
    (531, "YCbCrPositioning", "colour conversion"),
    (532, "ReferenceBlackWhite", "colour conversion"),
    (33421, "CFARepeatPatternDim", "raw: colour filter layout"),
    (33422, "CFAPattern", "raw: colour filter layout"),
    (34675, "ICC_Profile", "colour (dropped with --strip-icc)"),
    (50706, "DNGVersion", "DNG: readers need it"),
    (50707, "DNGBackwardVersion", "DNG: readers need it"),
    (
        50708,
        "UniqueCameraModel",
        "DNG: picks the colour profile (a model, not a serial)",
    ),
    (50710, "CFAPlaneColor", "raw: colour filter layout"),
    (50711, "CFALayout", "raw: colour filter layout"),
    (50712, "LinearizationTable", "raw processing"),
    (50713, "BlackLevelRepeatDim", "raw processing"),
    (50714, "BlackLevel", "raw processing"),
    (50715, "BlackLevelDeltaH", "raw processing"),
    (50716, "BlackLevelDeltaV", "raw processing"),
    (50717, "WhiteLevel", "raw processing"),
    (50718, "DefaultScale", "raw processing"),
    (50719, "DefaultCropOrigin", "crop"),
    (50720, "DefaultCropSize", "crop"),
    (50721, "ColorMatrix1", "colour calibration"),
    (50722, "ColorMatrix2", "colour calibration"),
    (50723, "CameraCalibration1", "colour calibration"),
    (50724, "CameraCalibration2", "colour calibration"),
    (50725, "ReductionMatrix1", "colour calibration"),
    (50726, "ReductionMatrix2", "colour calibration"),
    (50727, "AnalogBalance", "white balance"),
    (50728, "AsShotNeutral", "white balance"),
    (50729, "AsShotWhiteXY", "white balance"),
    (50730, "BaselineExposure", "raw processing"),
    (50731, "BaselineNoise", "raw processing"),
    (50732, "BaselineSharpness", "raw processing"),
    (50733, "BayerGreenSplit", "raw processing"),
    (50734, "LinearResponseLimit", "raw processing"),
    (50737, "ChromaBlurRadius", "raw processing"),
    (50738, "AntiAliasStrength", "raw processing"),
    (50739, "ShadowScale", "raw processing"),
    (50778, "CalibrationIlluminant1", "colour calibration"),
    (50779, "CalibrationIlluminant2", "colour calibration"),
    (50780, "BestQualityScale", "raw processing"),
    (50829, "ActiveArea", "crop of the sensor data"),
    (50830, "MaskedAreas", "raw processing (black reference)"),
    (50831, "AsShotICCProfile", "colour calibration"),
    (50832, "AsShotPreProfileMatrix", "colour calibration"),
    (50833, "CurrentICCProfile", "colour calibration"),
    (50834, "CurrentPreProfileMatrix", "colour calibration"),
    (50879, "ColorimetricReference", "colour calibration"),
    (
        50931,
        "CameraCalibrationSignature",
        "matches calibration to profile",
    ),
    (
        50932,
        "ProfileCalibrationSignature",
        "matches calibration to profile",
    ),
    (50934, "AsShotProfileName", "colour profile choice"),
    (50935, "NoiseReductionApplied", "raw processing"),
    (50936, "ProfileName", "colour profile"),
    (50937, "ProfileHueSatMapDims", "colour profile"),
    (50938, "ProfileHueSatMapData1", "colour profile"),
    (50939, "ProfileHueSatMapData2", "colour profile"),
    (50940, "ProfileToneCurve", "colour profile"),
    (50941, "ProfileEmbedPolicy", "colour profile"),
    (50964, "ForwardMatrix1", "colour calibration"),
    (50965, "ForwardMatrix2", "colour calibration"),
    (50970, "PreviewColorSpace", "how to show the preview"),
    (50974, "SubTileBlockSize", "raw data layout"),
    (50975, "RowInterleaveFactor", "raw data layout"),
    (50981, "ProfileLookTableDims", "colour profile"),
    (50982, "ProfileLookTableData", "colour profile"),
    (51008, "OpcodeList1", "raw processing (lens corrections)"),
    (51009, "OpcodeList2", "raw processing"),
    (51022, "OpcodeList3", "raw processing"),
    (51041, "NoiseProfile", "raw processing"),
    (51089, "OriginalDefaultFinalSize", "crop"),
    (51090, "OriginalBestQualityFinalSize", "crop"),
    (51091, "OriginalDefaultCropSize", "crop"),
    (51107, "ProfileHueSatMapEncoding", "colour profile"),
    (51108, "ProfileLookTableEncoding", "colour profile"),
    (51109, "BaselineExposureOffset", "raw processing"),
    (51110, "DefaultBlackRender", "raw processing"),
    (51112, "RawToPreviewGain", "raw processing"),
    (51125, "DefaultUserCrop", "crop"),
];

/// Names of the dropped DNG tags that identify someone or something (for --show).
const DROPPED_NAMES: &[(u16, &str)] = &[
    (33432, "Copyright"),
    (34377, "PhotoshopSettings"),
    (37500, "MakerNote"),
    (50709, "LocalizedCameraModel"),
    (50735, "CameraSerialNumber"),
    (50736, "LensInfo"),
    (50740, "DNGPrivateData"),
    (50741, "MakerNoteSafety"),
    (50781, "RawDataUniqueID"),
    (50827, "OriginalRawFileName"),
    (50828, "OriginalRawFileData"),
    (50933, "ExtraCameraProfiles"),
    (50942, "ProfileCopyright"),
    (50966, "PreviewApplicationName"),
    (50967, "PreviewApplicationVersion"),
    (50968, "PreviewSettingsName"),
    (50969, "PreviewSettingsDigest"),
    (50971, "PreviewDateTime"),
    (50972, "RawImageDigest"),
    (50973, "OriginalRawFileDigest"),
    (51111, "NewRawImageDigest"),
];

fn tag_name(dir: &str, tag: u16) -> String {
    KEEP.iter()
        .map(|&(t, n, _)| (t, n))
        .chain(DROPPED_NAMES.iter().copied())
        .find(|&(t, _)| t == tag)
        .map(|(_, n)| n.to_string())
        .unwrap_or_else(|| ifd::tag_name(dir, tag))
}

/// One directory as it will be written.
struct Dir {
    /// Kept entries in tag order: (tag, type, count, raw value bytes).
    entries: Vec<(u16, u16, u32, Vec<u8>)>,
    /// Image data ranges in the input, in order (strips or tiles).
    chunks: Vec<(u64, u64)>,
    /// A chunk's cleaned bytes, written instead of its range (a JPEG strip with metadata).
    replaced: Vec<Option<Vec<u8>>>,
    /// Which tag holds the chunk offsets.
    offsets_tag: u16,
    /// An old-style JPEG stream (offset, length): moved whole, strips inside it moved with it.
    jif: Option<(u64, u64)>,
    /// Sub-images (indexes into the walk's list of directories), in order.
    children: Vec<usize>,
}

/// The directories read so far, and what guards the walk.
struct Walk<'a> {
    src: &'a Source,
    cx: &'a mut Ctx,
    layout: Layout,
    opts: Options,
    dirs: Vec<Dir>,
    seen: HashSet<u64>,
    removed: Vec<Found>,
}

impl Format for Tiff {
    fn name(&self) -> &'static str {
        "TIFF"
    }

    fn describe(&self) -> &'static str {
        "TIFF, BigTIFF, DNG and TIFF-based raws: rewritten with only the tags that describe \
         the image data and its raw processing (DNG colour calibration, CFA layout, \
         linearisation, black/white levels, crop, opcodes); removes EXIF, GPS and Interop \
         directories, maker notes, DNGPrivateData, XMP, IPTC, Photoshop data, Make, Model, \
         serial numbers, original file names, Software, Artist, dates, Copyright, \
         ImageDescription and private tags (ICC profile kept unless --strip-icc); every page \
         and sub-image (SubIFDs) kept, strips, tiles and old-style JPEG streams untouched"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        file_type::kind(head) == Some(Kind::Tiff)
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        // Only the directories and their values are read (bounded reads): the image data is
        // moved by range, so a BigTIFF of gigabytes is cleaned in a few megabytes of memory.
        let (layout, first) = ifd::header_any(&src.read_upto(0, 16)?)?;
        let mut walk = Walk {
            src,
            opts: cx.opts,
            cx,
            layout,
            dirs: Vec::new(),
            seen: HashSet::new(),
            removed: Vec::new(),
        };
        let mut pages = Vec::new();
        let mut next = first;
        while next != 0 {
            let (id, after) = walk.dir(next, pages.len(), 0)?;
            pages.push(id);
            next = after;
        }
        if pages.is_empty() {
            return Err(Error::data("corrupt TIFF: no image directory"));
        }
        Ok(Cleaned {
            plan: write(layout, &walk.dirs, &pages)?,
            removed: walk.removed,
            members: Default::default(),
        })
    }
}

impl Walk<'_> {
    /// Reads the directory at `offset` (page `page_no`, or one of its sub-images at `depth`
    /// > 0) and its SubIFDs; returns its index and the next page's offset.
    fn dir(&mut self, offset: u64, page_no: usize, depth: usize) -> Result<(usize, u64), Error> {
        if !self.seen.insert(offset) {
            return Err(Error::data(format!(
                "corrupt TIFF: the directory at offset {offset} is reached twice (a loop)"
            )));
        }
        if self.seen.len() > ifd::MAX_IFDS {
            return Err(Error::data(format!(
                "unsupported TIFF: more than {} directories",
                ifd::MAX_IFDS
            )));
        }
        let order = self.layout.order;
        let (dir, values) = ifd::load_at(self.src, self.layout, offset)?;
        self.cx.charge(values.len() as u64)?;
        let buf = values.as_slice();
        let file_len = self.src.len();
        let where_ = if depth > 0 {
            format!("page {} sub-image", page_no + 1)
        } else {
            format!("page {}", page_no + 1)
        };
        let dir_name: &'static str = match (depth, page_no) {
            (0, 0) => "IFD0",
            (0, _) => "IFD",
            _ => "SubIFD",
        };
        let jif = match dir.get(JPEG_IF) {
            Some(e) => Some(old_jpeg(self.src, &dir, e, buf, order, &where_)?),
            None => None,
        };
        let (offsets_tag, counts_tag) = if dir.get(TILE_OFFSETS).is_some() {
            (TILE_OFFSETS, TILE_COUNTS)
        } else {
            (STRIP_OFFSETS, STRIP_COUNTS)
        };
        let offsets = dir.get(offsets_tag).and_then(|e| e.uints64(buf, order));
        let counts = dir.get(counts_tag).and_then(|e| e.uints64(buf, order));
        // An old-style JPEG page may be its stream alone, with no strips.
        let no_strips = jif.is_some() && dir.get(offsets_tag).is_none() && dir.get(counts_tag).is_none();
        let (offsets, counts) = match (offsets, counts) {
            (Some(o), Some(c)) => (o, c),
            _ if no_strips => (Vec::new(), Vec::new()),
            _ => {
                return Err(Error::data(format!(
                    "corrupt TIFF: {where_} has no readable strip or tile offsets"
                )))
            }
        };
        if offsets.len() != counts.len() || (offsets.is_empty() && !no_strips) {
            return Err(Error::data(format!(
                "corrupt TIFF: {where_} has {} offsets for {} byte counts",
                offsets.len(),
                counts.len()
            )));
        }
        let mut chunks = Vec::with_capacity(offsets.len());
        for (&o, &c) in offsets.iter().zip(&counts) {
            if o.checked_add(c).is_none_or(|end| end > file_len) {
                return Err(crate::engine::source::truncated(
                    "TIFF: image data",
                    file_len.saturating_sub(o),
                    c,
                ));
            }
            chunks.push((o, c));
        }
        let compression = dir.get(259).and_then(|e| e.uint(buf, order, 0));
        let mut counts = counts;
        let mut replaced = vec![None; chunks.len()];
        if matches!(compression, Some(JPEG | LOSSY_JPEG)) {
            for (i, &(o, c)) in chunks.iter().enumerate() {
                if let Some(cleaned) = self.jpeg_chunk(o, c, &where_)? {
                    counts[i] = cleaned.len() as u64;
                    replaced[i] = Some(cleaned);
                }
            }
        }
        let opts = &self.opts;
        let mut entries = Vec::new();
        let mut subs = Vec::new();
        for e in &dir.entries {
            if e.tag == counts_tag || e.tag == offsets_tag || e.tag == JPEG_IF {
                continue;
            }
            let keep = KEEP.iter().any(|k| k.0 == e.tag)
                && (e.tag != ORIENTATION || opts.keep_orientation)
                && (e.tag != ICC || !opts.strip_icc);
            if keep {
                if e.size != e.count as usize * ifd::type_size(e.typ) {
                    return Err(Error::data(format!(
                        "unsupported TIFF: {where_} {} value is larger than {} bytes",
                        tag_name(dir_name, e.tag),
                        ifd::MAX_VALUE
                    )));
                }
                entries.push((e.tag, e.typ, e.count, e.bytes(buf).to_vec()));
                continue;
            }
            match e.tag {
                SUB_IFDS => {
                    subs = e.uints64(buf, order).ok_or_else(|| {
                        Error::data(format!("corrupt TIFF: {where_} has unreadable SubIFDs"))
                    })?;
                }
                0x8769 | 0x8825 | 0xa005 => {
                    let sub = if e.tag == 0x8825 { "GPS" } else { "ExifIFD" };
                    let target = e.uint64(buf, order, 0).unwrap_or(0);
                    let listed = ifd::list_source(self.src, self.layout, vec![(target, sub)], "TIFF");
                    self.removed.extend(listed);
                }
                // XMP and IPTC blocks in their tags: listed by their own parsers.
                0x02bc => self.removed.extend(crate::tags::xmp::list(e.bytes(buf))),
                0x83bb => self.removed.extend(crate::tags::iptc::list(e.bytes(buf))),
                _ => self.removed.push(Found::new(
                    format!("TIFF {dir_name}"),
                    tag_name(dir_name, e.tag),
                    e.display(buf, order),
                )),
            }
        }
        if !subs.is_empty() && depth >= MAX_DEPTH {
            return Err(Error::data(format!(
                "unsupported TIFF: sub-images nested more than {MAX_DEPTH} deep"
            )));
        }
        let mut children = Vec::with_capacity(subs.len());
        for sub in subs {
            // A sub-image's own chain of next directories is not part of the format: ignored.
            children.push(self.dir(sub, page_no, depth + 1)?.0);
        }
        // Offsets, counts and SubIFDs are filled in by `write`, with the layout's types.
        if !no_strips {
            entries.push((
                counts_tag,
                0,
                counts.len() as u32,
                counts.iter().flat_map(|c| c.to_le_bytes()).collect(),
            ));
            entries.push((offsets_tag, 0, offsets.len() as u32, Vec::new()));
        }
        if jif.is_some() {
            entries.push((JPEG_IF, 0, 1, Vec::new()));
        }
        if !children.is_empty() {
            entries.push((SUB_IFDS, 0, children.len() as u32, Vec::new()));
        }
        entries.sort_by_key(|e| e.0);
        self.dirs.push(Dir {
            entries,
            chunks,
            replaced,
            offsets_tag,
            jif,
            children,
        });
        Ok((self.dirs.len() - 1, if depth == 0 { dir.next } else { 0 }))
    }
}

impl Walk<'_> {
    /// A JPEG strip or tile (a DNG preview, most often) whose headers carry metadata (its own
    /// EXIF, XMP, comments) cleaned by the JPEG cleaner: its new bytes. None when it carries
    /// none (it is then moved by range, untouched).
    fn jpeg_chunk(&mut self, offset: u64, len: u64, where_: &str) -> Result<Option<Vec<u8>>, Error> {
        let head = self
            .src
            .read(offset, len.min(JPEG_HEADERS_MAX), "TIFF: JPEG strip")?;
        // Not a JPEG stream at all (ExifTool's sample DNG has a 22-byte placeholder tile): no
        // decoder reads it as one, so it is image data like any other strip, unless it holds
        // what a damaged JPEG header would (a metadata marker, an EXIF or XMP signature).
        if !head.starts_with(&[0xff, 0xd8]) && !looks_like_jpeg_metadata(&head) {
            return Ok(None);
        }
        let Some(marker) = jpeg_metadata(&head)
            .map_err(|what| Error::data(format!("corrupt TIFF: {where_} JPEG strip {what}")))?
        else {
            return Ok(None);
        };
        if len > JPEG_CHUNK_MAX {
            return Err(Error::data(format!(
                "unsupported TIFF: {where_} JPEG strip of {len} bytes carries metadata ({} segment)",
                crate::containers::jpeg::marker_name(marker)
            )));
        }
        self.cx.charge(len)?;
        let bytes = self.src.read(offset, len, "TIFF: JPEG strip")?;
        let cleaned = crate::engine::embedded::clean_embedded(&bytes, self.cx)
            .map_err(|e| e.context(format!("TIFF {where_} JPEG strip")))?
            .ok_or_else(|| Error::data(format!("corrupt TIFF: {where_} JPEG strip is not a JPEG")))?;
        self.removed.extend(cleaned.removed.into_iter().map(|mut f| {
            f.kind = format!("{} in TIFF {where_} JPEG", f.kind);
            f
        }));
        Ok(cleaned.data)
    }
}

/// The JPEG segments that carry metadata: APP1-APP13, APP15, comment.
fn is_metadata_marker(marker: u8) -> bool {
    matches!(marker, 0xe1..=0xed | 0xef | 0xfe)
}

/// Whether bytes that do not start as a JPEG still hold a JPEG metadata segment's marker or an
/// EXIF/XMP signature (a preview whose start marker was damaged keeps its EXIF after it).
fn looks_like_jpeg_metadata(head: &[u8]) -> bool {
    let marker = head.windows(2).any(|w| w[0] == 0xff && is_metadata_marker(w[1]));
    let signature = [&b"Exif\0"[..], b"http://ns.adobe.com/", b"<x:xmpmeta"]
        .iter()
        .any(|sig| head.windows(sig.len()).any(|w| w == *sig));
    marker || signature
}

/// The first metadata segment (APP1-APP13, APP15, comment) in the headers of the JPEG stream
/// starting `head` (up to its first scan); an error naming what is wrong when it is not one.
fn jpeg_metadata(head: &[u8]) -> Result<Option<u8>, String> {
    if !head.starts_with(&[0xff, 0xd8]) {
        return Err("does not start as a JPEG".into());
    }
    let no_scan = || format!("has no scan in its first {JPEG_HEADERS_MAX} bytes");
    let mut at = 2;
    loop {
        let (Some(&0xff), Some(&marker)) = (head.get(at), head.get(at + 1)) else {
            return Err(no_scan());
        };
        match marker {
            0xda | 0xd9 => return Ok(None),
            m if is_metadata_marker(m) => return Ok(Some(marker)),
            _ => {}
        }
        let size = head
            .get(at + 2..at + 4)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
            .filter(|&n| n >= 2)
            .ok_or_else(no_scan)?;
        at += 2 + size;
    }
}

/// Lays the file out as: header, every directory (pages, each followed by its sub-images,
/// with their values), then the image data of every directory, each chunk on an even offset.
fn write(layout: Layout, dirs: &[Dir], pages: &[usize]) -> Result<Plan, Error> {
    let order = layout.order;
    let (count_size, entry_size, room) = layout.sizes();
    let (count_size, entry_size, room) = (count_size as u64, entry_size as u64, room as u64);
    let offset_type: u16 = if layout.big { 16 } else { 4 };
    // The value bytes of an entry; special tags get `room`-sized values per item.
    let value_len = |e: &(u16, u16, u32, Vec<u8>)| -> u64 {
        if e.1 == 0 {
            e.2 as u64 * room
        } else {
            e.3.len() as u64
        }
    };
    let dir_size = |d: &Dir| -> u64 {
        let values: u64 = d
            .entries
            .iter()
            .map(value_len)
            .filter(|&n| n > room)
            .map(|n| (n + 1) & !1)
            .sum();
        count_size + entry_size * d.entries.len() as u64 + room + values
    };
    // Directories are written in the order the walk read them (children before parents,
    // pages in order); where each lands:
    let mut dir_at = Vec::with_capacity(dirs.len());
    let mut cursor = if layout.big { 16u64 } else { 8 };
    for d in dirs {
        dir_at.push(cursor);
        cursor += dir_size(d);
    }
    let mut chunk_at: Vec<Vec<u64>> = Vec::with_capacity(dirs.len());
    let mut jif_at = Vec::with_capacity(dirs.len());
    for d in dirs {
        // An old-style JPEG stream first; strips inside it keep their place in it.
        jif_at.push(cursor);
        if let Some((_, len)) = d.jif {
            cursor += (len + 1) & !1;
        }
        let mut at = Vec::with_capacity(d.chunks.len());
        for (n, &(offset, len)) in d.chunks.iter().enumerate() {
            let len = d.replaced[n].as_ref().map_or(len, |b| b.len() as u64);
            match within_jif(d, offset, len) {
                Some(inside) => at.push(jif_at[jif_at.len() - 1] + inside),
                None => {
                    at.push(cursor);
                    cursor += (len + 1) & !1;
                }
            }
        }
        chunk_at.push(at);
    }
    if !layout.big && cursor > u32::MAX as u64 {
        return Err(Error::data("unsupported TIFF: the cleaned file would pass 4 GiB"));
    }
    let put = |out: &mut Vec<u8>, v: u64| {
        if layout.big {
            order.put64(out, v)
        } else {
            order.put32(out, v as u32)
        }
    };

    let mut head = Vec::new();
    head.extend_from_slice(match (order, layout.big) {
        (Order::Little, false) => b"II*\0",
        (Order::Big, false) => b"MM\0*",
        (Order::Little, true) => b"II+\0",
        (Order::Big, true) => b"MM\0+",
    });
    if layout.big {
        order.put16(&mut head, 8);
        order.put16(&mut head, 0);
    }
    put(&mut head, dir_at[pages[0]]);
    for (i, d) in dirs.iter().enumerate() {
        let mut values_at = dir_at[i] + count_size + entry_size * d.entries.len() as u64 + room;
        let mut entries = Vec::new();
        let mut values = Vec::new();
        if layout.big {
            order.put64(&mut entries, d.entries.len() as u64);
        } else {
            order.put16(&mut entries, d.entries.len() as u16);
        }
        for e in &d.entries {
            let (tag, typ, count, raw) = e;
            let (typ, raw) = match *typ {
                0 => {
                    let items: Vec<u64> = if *tag == d.offsets_tag {
                        chunk_at[i].clone()
                    } else if *tag == JPEG_IF {
                        vec![jif_at[i]]
                    } else if *tag == SUB_IFDS {
                        d.children.iter().map(|&c| dir_at[c]).collect()
                    } else {
                        raw.chunks_exact(8)
                            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
                            .collect()
                    };
                    let mut r = Vec::with_capacity(items.len() * room as usize);
                    for v in items {
                        put(&mut r, v);
                    }
                    // SubIFDs as LONG too (TIFF allows LONG or IFD; exiftool -validate warns
                    // about IFD, and DNG writers use LONG).
                    (offset_type, r)
                }
                t => (t, raw.clone()),
            };
            order.put16(&mut entries, *tag);
            order.put16(&mut entries, typ);
            put_count(&mut entries, layout, *count);
            if raw.len() as u64 <= room {
                let mut inline = raw;
                inline.resize(room as usize, 0);
                entries.extend_from_slice(&inline);
            } else {
                put(&mut entries, values_at);
                values_at += (raw.len() as u64 + 1) & !1;
                values.extend_from_slice(&raw);
                if raw.len() % 2 == 1 {
                    values.push(0);
                }
            }
        }
        // Pages chain to the next page; sub-images end their chain.
        let next = pages
            .iter()
            .position(|&p| p == i)
            .and_then(|n| pages.get(n + 1))
            .map_or(0, |&p| dir_at[p]);
        put(&mut entries, next);
        head.extend_from_slice(&entries);
        head.extend_from_slice(&values);
    }
    let mut plan = Plan::new();
    plan.bytes(&head);
    for d in dirs {
        if let Some((offset, len)) = d.jif {
            plan.range(offset, len);
            if len % 2 == 1 {
                plan.bytes(&[0]);
            }
        }
        for (n, &(offset, len)) in d.chunks.iter().enumerate() {
            let len = match &d.replaced[n] {
                Some(bytes) => {
                    plan.bytes(bytes);
                    bytes.len() as u64
                }
                None if within_jif(d, offset, len).is_some() => continue,
                None => {
                    plan.range(offset, len);
                    len
                }
            };
            if len % 2 == 1 {
                plan.bytes(&[0]);
            }
        }
    }
    Ok(plan)
}

/// Where the chunk at `offset` is inside its directory's old-style JPEG stream, if it is.
fn within_jif(d: &Dir, offset: u64, len: u64) -> Option<u64> {
    let (start, jif_len) = d.jif?;
    (offset >= start && offset.checked_add(len)? <= start + jif_len).then(|| offset - start)
}

/// Checks an old-style JPEG page's stream (TIFF 6.0 section 22): its offset and length, that
/// it is a JPEG whose headers (up to the scan) hold no metadata (APP1-APP13, APP15, comments:
/// it is moved byte for byte, so those would be kept; refused instead), and that no tables are
/// given by offset elsewhere in the file (they would need moving too). Returns its range.
fn old_jpeg(
    src: &Source,
    dir: &ifd::Ifd,
    e: &ifd::Entry,
    buf: &[u8],
    order: Order,
    where_: &str,
) -> Result<(u64, u64), Error> {
    if JPEG_TABLE_OFFSETS.iter().any(|&t| dir.get(t).is_some()) {
        return Err(Error::data(format!(
            "unsupported TIFF: old-style JPEG with its tables given by offset ({where_})"
        )));
    }
    let start = e.uint64(buf, order, 0);
    let len = dir.get(JPEG_IF_LENGTH).and_then(|l| l.uint64(buf, order, 0));
    let (Some(start), Some(len)) = (start, len) else {
        return Err(Error::data(format!(
            "corrupt TIFF: {where_} old-style JPEG stream without a readable offset and length"
        )));
    };
    if start.checked_add(len).is_none_or(|end| end > src.len()) {
        return Err(crate::engine::source::truncated(
            "TIFF: old-style JPEG stream",
            src.len().saturating_sub(start),
            len,
        ));
    }
    let head = src.read(start, len.min(JPEG_HEADERS_MAX), "TIFF: old-style JPEG stream")?;
    let bad = |what: String| Error::data(format!("unsupported TIFF: {where_} old-style JPEG stream {what}"));
    match jpeg_metadata(&head).map_err(bad)? {
        None => Ok((start, len)),
        Some(marker) => Err(bad(format!(
            "carries metadata ({} segment)",
            crate::containers::jpeg::marker_name(marker)
        ))),
    }
}

/// An entry's value count, in the layout's width.
fn put_count(out: &mut Vec<u8>, layout: Layout, n: u32) {
    if layout.big {
        layout.order.put64(out, n as u64)
    } else {
        layout.order.put32(out, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Options, Purpose};
    use crate::registry::REGISTRY;

    /// A one-pixel TIFF whose XResolution (kept) is 8 bytes inside its Artist text (removed),
    /// as a careless writer or a hostile file may lay them out. Returns the file and where the
    /// artist text is.
    fn overlapping() -> (Vec<u8>, usize) {
        let entries: [(u16, u16, u32, u32); 11] = [
            (256, 3, 1, 1),
            (257, 3, 1, 1),
            (258, 3, 1, 8),
            (259, 3, 1, 1),
            (262, 3, 1, 1),
            (273, 4, 1, 146 + 16),
            (277, 3, 1, 1),
            (278, 3, 1, 1),
            (279, 4, 1, 1),
            (282, 5, 1, 146 + 4),
            (315, 2, 16, 146),
        ];
        let mut b = b"II*\0\x08\0\0\0".to_vec();
        b.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, typ, count, value) in entries {
            b.extend_from_slice(&tag.to_le_bytes());
            b.extend_from_slice(&typ.to_le_bytes());
            b.extend_from_slice(&count.to_le_bytes());
            b.extend_from_slice(&value.to_le_bytes());
        }
        b.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(b.len(), 146);
        b.extend_from_slice(b"SECRET-artist-x\0");
        b.push(0x7f);
        (b, 146)
    }

    /// A kept value whose bytes overlap a removed one's is copied once into new space (each
    /// kept value is written out of the directory's own value area, never shared): the file
    /// is cleaned, not refused, the kept rational is the same 8 bytes, and the removed text is
    /// gone but for those 8 bytes, which are the kept value's own.
    #[test]
    fn a_kept_value_overlapping_a_removed_one_is_copied_once() {
        let (input, artist) = overlapping();
        let src = Source::Memory(input.clone());
        let mut cx = Ctx::new(Options::default(), Purpose::Plan, &REGISTRY);
        let cleaned = Tiff.plan(&src, &mut cx).unwrap();
        assert!(cleaned.removed.iter().any(|f| f.value.contains("SECRET-artist")));
        let mut out = Vec::new();
        cleaned.plan.write_to(&src, &mut out).unwrap();
        assert!(!out.windows(6).any(|w| w == b"SECRET"), "{out:?}");
        let (layout, first) = ifd::header_any(&out).unwrap();
        let dir = ifd::read_at(&out, layout, first).unwrap();
        assert!(dir.get(315).is_none());
        let xres = dir.get(282).unwrap();
        assert_eq!(xres.bytes(&out), &input[artist + 4..artist + 12]);
        let strip = dir.get(273).unwrap().uint(&out, layout.order, 0).unwrap() as usize;
        assert_eq!(out[strip], 0x7f);
    }
}
