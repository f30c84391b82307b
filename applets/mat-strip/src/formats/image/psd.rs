//! Photoshop PSD and PSB (version 2, 8-byte lengths): the image resources section is rebuilt
//! keeping only the resources in [`KEEP`] (resolution, channel and path names, colour and
//! display settings: content), so IPTC, EXIF, XMP, thumbnails, URLs, captions, copyright
//! flags, print and slice information, version info and every unknown resource go. The header,
//! colour mode data, layer and mask section and composite image data are moved byte for byte
//! (Plan ranges); only the resources section's length changes, and the layer records when a
//! layer carries a metadata setting block (`shmd`, formats/image/psd_layers.rs).

use privkit_core::Error;

use crate::containers::ifd;
use crate::engine::ctx::Ctx;
use crate::engine::plan::Plan;
use crate::engine::source::Source;
use crate::engine::{summary, Cleaned, Format, Found};

pub struct Psd;

const WHAT: &str = "PSD";
const HEADER: u64 = 26;
const ICC: u16 = 1039;

/// Resources kept, with why: they describe the image, not who made it. Everything else goes.
pub const KEEP: &[(u16, &str, &str)] = &[
    (1005, "ResolutionInfo", "physical size"),
    (1006, "AlphaChannelNames", "channel names (content)"),
    (1007, "DisplayInfo", "how channels are shown"),
    (1010, "BackgroundColor", "rendering"),
    (1013, "ColorHalftoningInfo", "rendering"),
    (1016, "ColorTransferFuncs", "rendering"),
    (1018, "DuotoneImageInfo", "colour of duotone images"),
    (1022, "QuickMaskInfo", "channel settings"),
    (1024, "LayerStateInfo", "which layer is selected"),
    (1025, "WorkingPath", "a path (content)"),
    (1026, "LayerGroupInfo", "layer structure"),
    (1032, "GridGuidesInfo", "guides"),
    (1037, "GlobalAngle", "layer effects"),
    (1039, "ICC_Profile", "colour (dropped with --strip-icc)"),
    (1041, "ICC_Untagged", "colour"),
    (1044, "IDsBaseValue", "layer IDs"),
    (1045, "UnicodeAlphaNames", "channel names (content)"),
    (1046, "IndexedColorTableCount", "palette"),
    (1047, "TransparentIndex", "palette"),
    (1049, "GlobalAltitude", "layer effects"),
    (1053, "AlphaIdentifiers", "channels"),
    (1064, "PixelAspectRatio", "physical size"),
    (1067, "AlternateSpotColors", "colour"),
    (1069, "LayerSelectionIDs", "layer structure"),
    (1072, "LayerGroupsEnabledID", "layer structure"),
    (1073, "ColorSamplersResource", "colour samplers"),
    (1077, "DisplayInfo", "how channels are shown"),
    (1088, "PathSelectionState", "paths"),
    (2999, "ClippingPathName", "the clipping path (content)"),
];

/// Names of dropped resources, for --show.
const DROPPED_NAMES: &[(u16, &str)] = &[
    (1008, "Caption"),
    (1028, "IPTC-NAA"),
    (1033, "Thumbnail (Photoshop 4)"),
    (1034, "CopyrightFlag"),
    (1035, "URL"),
    (1036, "Thumbnail"),
    (1050, "Slices"),
    (1054, "URL_List"),
    (1057, "VersionInfo"),
    (1058, "EXIF data 1"),
    (1059, "EXIF data 3"),
    (1060, "XMP"),
    (1061, "CaptionDigest"),
    (1062, "PrintScale"),
    (1065, "LayerComps"),
    (1071, "PrintInfo"),
    (1082, "PrintInfo"),
    (1083, "PrintStyle"),
    (1084, "MacPrintInfo"),
    (1085, "WinDevMode"),
    (1086, "AutoSaveFilePath"),
    (1087, "AutoSaveFormat"),
    (7000, "ImageReadyVariables"),
    (7001, "ImageReadyDataSets"),
    (8000, "LightroomWorkflow"),
    (10000, "PrintFlagsInfo"),
];

fn keep(id: u16, strip_icc: bool) -> bool {
    // 2000-2997: saved paths (their names are content).
    (2000..=2997).contains(&id) || KEEP.iter().any(|k| k.0 == id && (id != ICC || !strip_icc))
}

fn name(id: u16) -> String {
    KEEP.iter()
        .map(|&(i, n, _)| (i, n))
        .chain(DROPPED_NAMES.iter().copied())
        .find(|&(i, _)| i == id)
        .map_or_else(|| format!("resource {id}"), |(_, n)| n.to_string())
}

fn be(b: &[u8]) -> u64 {
    b.iter().fold(0, |v, &x| v << 8 | u64::from(x))
}

impl Format for Psd {
    fn name(&self) -> &'static str {
        "PSD"
    }

    fn describe(&self) -> &'static str {
        "Photoshop PSD and PSB: image resources with IPTC, EXIF, XMP, thumbnails, URLs, \
         captions, copyright flags, print and slice information, version info and unknown \
         resources removed; resolution, channel and path names, colour and display settings \
         kept (ICC profile unless --strip-icc); header, colour mode data, layers and the \
         composite image byte for byte but for the layers' metadata settings (shmd, dropped)"
    }

    fn sniff(&self, head: &[u8]) -> bool {
        head.starts_with(b"8BPS") && matches!(head.get(4..6), Some([0, 1] | [0, 2]))
    }

    fn plan(&self, src: &Source, cx: &mut Ctx) -> Result<Cleaned, Error> {
        let header = src.read(0, HEADER, WHAT)?;
        let psb = header[5] == 2;
        let channels = be(&header[12..14]);
        let height = be(&header[14..18]);
        let width = be(&header[18..22]);
        let depth = be(&header[22..24]);
        let mode_len = be(&src.read(HEADER, 4, WHAT)?);
        let res_at = HEADER + 4 + mode_len;
        let res_len = be(&src.read(res_at, 4, "PSD image resources")?);
        let res_end = res_at + 4 + res_len;
        let len_size = if psb { 8 } else { 4 };
        let layers_len = be(&src.read(res_end, len_size, "PSD layer and mask section")?);
        let image_at = res_end
            .checked_add(len_size + layers_len)
            .filter(|&at| at < src.len())
            .ok_or_else(|| Error::data("corrupt PSD: the layer section passes the end of the file"))?;
        let image_end = image_end(src, image_at, psb, [channels, height, width, depth])?;

        let mut removed = Vec::new();
        let mut kept = Vec::new();
        let mut at = res_at + 4;
        while at < res_end {
            let head = src.read(at, 7, "PSD image resource")?;
            if !matches!(&head[..4], b"8BIM" | b"MeSa" | b"AgHg" | b"PHUT" | b"DCSR") {
                return Err(Error::data(format!(
                    "corrupt PSD: no image resource signature at offset {at}"
                )));
            }
            let id = be(&head[4..6]) as u16;
            // A Pascal name padded to an even length, then the data size and the data, padded.
            let name_len = (1 + u64::from(head[6]) + 1) & !1;
            let size = be(&src.read(at + 6 + name_len, 4, "PSD image resource")?);
            let data_at = at + 6 + name_len + 4;
            let end = data_at
                .checked_add((size + 1) & !1)
                .filter(|&e| e <= res_end)
                .ok_or_else(|| Error::data(format!("corrupt PSD: resource {id} passes its section")))?;
            if keep(id, cx.opts.strip_icc) {
                kept.push((at, end - at));
            } else if id == 1058 && size <= 1 << 24 {
                let exif = src.read(data_at, size, "PSD EXIF")?;
                removed.extend(ifd::list(&exif, "PSD EXIF"));
            } else if matches!(id, 1028 | 1060) && size <= 1 << 24 {
                // IPTC and XMP: listed property by property by their own parsers.
                let data = src.read(data_at, size, "PSD image resource")?;
                removed.extend(if id == 1028 {
                    crate::tags::iptc::list(&data)
                } else {
                    crate::tags::xmp::list(&data)
                });
            } else {
                let data = src.read(data_at, size.min(4096), "PSD image resource")?;
                removed.push(Found::new(WHAT, name(id), summary(&data)));
            }
            at = end;
        }

        let mut plan = Plan::new();
        plan.range(0, res_at);
        let new_len: u64 = kept.iter().map(|k| k.1).sum();
        plan.bytes(&u32::try_from(new_len).unwrap_or(u32::MAX).to_be_bytes());
        for (at, len) in kept {
            plan.range(at, len);
        }
        let layers = super::psd_layers::clean(src, cx, res_end, layers_len, psb)?;
        removed.extend(layers.removed);
        match layers.records {
            None => plan.range(res_end, image_end - res_end),
            Some(rebuilt) => {
                plan.bytes(&rebuilt.head);
                plan.range(rebuilt.rest, image_end - rebuilt.rest);
            }
        }
        if image_end < src.len() {
            // A trailer appended after the composite image: PhotoMechanic's (IPTC, ending in
            // its signature) is removed. Anything else is refused: raw and RLE image data have
            // an exact size, so bytes after it mean a damaged length, and then the layer
            // records (with their metadata) may have been read as pixels (found by the
            // mutation test on psd-layer-blocks.psd).
            let last = src.read(src.len() - 8.min(src.len()), 8.min(src.len()), WHAT)?;
            if last != b"cbipcbbl" {
                return Err(Error::data(format!(
                    "corrupt PSD: {} bytes after the composite image",
                    src.len() - image_end
                )));
            }
            let tail = src.read(image_end, (src.len() - image_end).min(4096), WHAT)?;
            removed.push(Found::new(WHAT, "PhotoMechanic trailer", summary(&tail)));
        }
        Ok(Cleaned {
            plan,
            removed,
            members: Default::default(),
        })
    }
}

/// Where the composite image ends; it must be all there: raw data of the header's size, or RLE
/// rows whose byte counts fit in the file. ZIP-compressed data has no size of its own: it runs
/// to the end of the file.
fn image_end(
    src: &Source,
    at: u64,
    psb: bool,
    [channels, height, width, depth]: [u64; 4],
) -> Result<u64, Error> {
    let compression = be(&src.read(at, 2, "PSD image data")?);
    let rows = channels.saturating_mul(height);
    let need = match compression {
        0 => rows.saturating_mul(width.saturating_mul(depth).div_ceil(8)),
        1 => {
            let count = if psb { 4 } else { 2 };
            if rows.saturating_mul(count) > 1 << 28 {
                return Err(Error::data("unsupported PSD: absurd image size"));
            }
            let table = src.read(at + 2, rows * count, "PSD image data")?;
            let data: u64 = table.chunks_exact(count as usize).map(be).sum();
            rows * count + data
        }
        2 | 3 => return Ok(src.len()),
        n => return Err(Error::data(format!("unsupported PSD: image compression {n}"))),
    };
    let have = src.len() - at - 2;
    if have < need {
        return Err(crate::engine::source::truncated("PSD image data", have, need));
    }
    Ok(at + 2 + need)
}
