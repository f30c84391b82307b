//! mat-strip on Photoshop files: psd-layers.psd of testdata/mat-strip/media (made by
//! make-archive-fixtures.py) and a PSB (version 2) built from it. The planted resources (IPTC,
//! EXIF, XMP, thumbnail, URL) go, layers and composite pixels are unchanged, the sections
//! around the resources are byte for byte the input's, and damaged files are refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cleaned_name, contains, copy_in, fixture_dir, PLANTED};
use crate::common::{have, privkit, scratch, stderr_of, stdout_of};

fn media(name: &str) -> PathBuf {
    fixture_dir().join("media").join(name)
}

fn be32(b: &[u8], at: usize) -> usize {
    u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// Where the image resources section starts and ends (after its length field).
fn resources(b: &[u8]) -> (usize, usize) {
    let at = 26 + 4 + be32(b, 26);
    (at, at + 4 + be32(b, at))
}

/// The layer and the composite of `input` and of its cleaned copy decode to the same pixels
/// (where ImageMagick is installed).
fn same_pixels(input: &Path) {
    if !have("convert") {
        return;
    }
    for layer in 0..2 {
        let px = |p: &Path| {
            Command::new("convert")
                .arg(format!("{}[{layer}]", p.display()))
                .args(["-depth", "8", "rgba:-"])
                .output()
                .unwrap()
                .stdout
        };
        assert!(!px(input).is_empty());
        assert_eq!(px(input), px(&cleaned_name(input)), "image {layer}");
    }
}

fn clean(input: &Path) -> Vec<u8> {
    let out = privkit().arg("mat-strip").arg(input).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    fs::read(cleaned_name(input)).unwrap()
}

#[test]
fn psd_loses_its_resources_and_keeps_layers_and_pixels() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("psd-layers.psd"));
    let before = fs::read(&input).unwrap();
    assert!(contains(&before, PLANTED));
    let after = clean(&input);
    assert!(!contains(&after, PLANTED), "planted value survives");
    // Header and colour mode data, then everything after the resources: byte for byte.
    let ((a0, a1), (b0, b1)) = (resources(&before), resources(&after));
    assert_eq!(before[..a0], after[..b0]);
    assert_eq!(before[a1..], after[b1..]);
    same_pixels(&input);
    if have("exiftool") {
        let tags = Command::new("exiftool")
            .args(["-a", "-u", "-G1", "-s"])
            .arg(cleaned_name(&input))
            .output()
            .unwrap();
        let tags = stdout_of(&tags);
        for gone in [
            "[IPTC]",
            "[IFD0]",
            "[GPS]",
            "[ExifIFD]",
            "[XMP",
            "URL",
            "Thumbnail",
        ] {
            assert!(!tags.contains(gone), "{gone} left:\n{tags}");
        }
        assert!(tags.contains("LayerNames"), "{tags}");
    }
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(cleaned_name(&input))
        .output()
        .unwrap();
    assert_eq!(again.stdout, after, "cleaning twice changes the file");
}

/// A PSB (version 2: 8-byte layer section length) with the PSD's resources and composite
/// image and no layers.
fn psb_from_psd(psd: &[u8]) -> Vec<u8> {
    let (_, res_end) = resources(psd);
    let layers = be32(psd, res_end);
    let mut psb = psd[..res_end].to_vec();
    psb[5] = 2;
    psb.extend_from_slice(&0u64.to_be_bytes());
    psb.extend_from_slice(&psd[res_end + 4 + layers..]);
    psb
}

#[test]
fn psb_is_cleaned_too() {
    let dir = scratch();
    let psd = fs::read(media("psd-layers.psd")).unwrap();
    let input = dir.path().join("made.psb");
    fs::write(&input, psb_from_psd(&psd)).unwrap();
    let before = fs::read(&input).unwrap();
    let after = clean(&input);
    assert!(!contains(&after, PLANTED), "planted value survives");
    let ((_, a1), (_, b1)) = (resources(&before), resources(&after));
    assert_eq!(before[a1..], after[b1..], "layer section and image data");
}

#[test]
fn damaged_psd_is_refused() {
    let dir = scratch();
    let psd = fs::read(media("psd-layers.psd")).unwrap();
    let (res_at, _) = resources(&psd);
    let mut bad_signature = psd.clone();
    bad_signature[res_at + 4..res_at + 8].copy_from_slice(b"XXXX");
    let mut huge_resources = psd.clone();
    huge_resources[res_at..res_at + 4].copy_from_slice(&[0xff, 0xff, 0xff, 0xf0]);
    let cases: Vec<(String, Vec<u8>)> = [20, res_at + 10, psd.len() / 2, psd.len() - 1]
        .into_iter()
        .map(|cut| (format!("cut-{cut}.psd"), psd[..cut].to_vec()))
        .chain([
            ("signature.psd".to_string(), bad_signature),
            ("huge.psd".to_string(), huge_resources),
        ])
        .collect();
    for (name, bytes) in cases {
        let path = dir.path().join(&name);
        fs::write(&path, bytes).unwrap();
        let out = privkit().arg("mat-strip").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(65), "{name}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out).lines().count(), 1, "{name}");
        assert!(!cleaned_name(&path).exists(), "{name}: output left");
    }
}

/// A layer's metadata setting block (shmd: its edit time, which exiftool shows as
/// LayerModifyDates, and a custom descriptor) is dropped; the blocks that render or name the
/// layer (luni, lnsr, lyid) and the layers' channel data stay byte for byte, the lengths
/// around them patched (regression: the layer section was moved whole, shmd with it).
#[test]
fn psd_layer_metadata_setting_goes_and_rendering_blocks_stay() {
    let dir = scratch();
    let input = copy_in(dir.path(), &media("psd-layer-blocks.psd"));
    let before = fs::read(&input).unwrap();
    assert!(contains(&before, b"PKSECRET-shmd"));
    let after = clean(&input);
    assert!(!contains(&after, PLANTED), "planted value survives");
    assert!(!contains(&after, b"shmd") && !contains(&after, b"layerTime"));
    for kept in [
        &b"8BIMlnsr\0\0\0\x04layr"[..],
        b"8BIMlyid\0\0\0\x04\0\0\0\x07",
        b"8BIMluni",
    ] {
        assert!(contains(&after, kept), "{kept:?}");
    }
    // Everything from the first layer's channel data on is the input's, byte for byte.
    let tail = |b: &[u8]| {
        let luni = b.windows(8).position(|w| w == b"8BIMluni").unwrap();
        let lyid = luni + b[luni..].windows(8).position(|w| w == b"8BIMlyid").unwrap();
        let after_lyid = lyid + 16;
        let next = if b[after_lyid..].starts_with(b"8BIMshmd") {
            after_lyid + 12 + be32(b, after_lyid + 8)
        } else {
            after_lyid
        };
        b[next..].to_vec()
    };
    assert_eq!(tail(&before), tail(&after));
    same_pixels(&input);
    if have("exiftool") {
        let tags = Command::new("exiftool")
            .args(["-a", "-u", "-G1", "-s"])
            .arg(cleaned_name(&input))
            .output()
            .unwrap();
        let tags = stdout_of(&tags);
        assert!(!tags.contains("LayerModifyDates"), "{tags}");
        assert!(
            tags.contains("LayerUnicodeNames               : Layer one"),
            "{tags}"
        );
    }
    let again = privkit()
        .args(["mat-strip", "-o", "-"])
        .arg(cleaned_name(&input))
        .output()
        .unwrap();
    assert_eq!(again.stdout, after, "cleaning twice changes the file");
    // A shmd block whose length passes its layer record is refused.
    let shmd = before.windows(8).position(|w| w == b"8BIMshmd").unwrap();
    let mut bad = before.clone();
    bad[shmd + 8..shmd + 12].copy_from_slice(&0x0010_0000u32.to_be_bytes());
    let path = dir.path().join("bad.psd");
    fs::write(&path, &bad).unwrap();
    let out = privkit().arg("mat-strip").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(65), "{}", stderr_of(&out));
    assert!(!cleaned_name(&path).exists());
}
