//! Photos a device attaches: deterministic pseudo-random bytes shaped like a JPEG (start
//! of image, a JFIF header, a scan whose data holds no marker byte, end of image), of a
//! size that makes single- and multi-part uploads. A photo is named by its id and a seed;
//! its bytes are made again from the seed whenever a transport needs them, as the app
//! reads them back from IndexedDB, so a run does not keep hundreds of megabytes around.

use adal_core::AttachmentRef;
use bytes::Bytes;
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The smallest photo made: a small, heavily compressed picture.
pub const MIN_BYTES: u64 = 20 * 1024;

pub const CONTENT_TYPE: &str = "image/jpeg";

/// Start of image, then an APP0 segment with the JFIF header (version 1.1, 1:1 aspect).
const HEAD: [u8; 20] = [
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00,
];
/// Start of scan: what follows is entropy-coded data (here: noise without 0xFF).
const SCAN: [u8; 10] = [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00];
/// End of image.
const TAIL: [u8; 2] = [0xFF, 0xD9];

/// A photo as the device holds it: what it lists, and the seed its bytes are made from.
#[derive(Debug, Clone)]
pub struct Photo {
    pub attachment: AttachmentRef,
    pub seed: u64,
}

/// Takes a photo of `MIN_BYTES..=max_bytes` (at least `MIN_BYTES`) and computes its
/// SHA-256, as the app does when a photo is chosen.
pub fn take(rng: &mut impl Rng, id: Uuid, max_bytes: u64) -> Photo {
    let size = rng.random_range(MIN_BYTES..=max_bytes.max(MIN_BYTES));
    let seed = rng.random();
    let sha256 = format!("{:x}", Sha256::digest(bytes(seed, size)));
    Photo {
        attachment: AttachmentRef { id, sha256, size, content_type: CONTENT_TYPE.into() },
        seed,
    }
}

/// The `size` bytes of the photo made from `seed`.
pub fn bytes(seed: u64, size: u64) -> Bytes {
    let size = usize::try_from(size).expect("a photo fits in memory");
    let mut out = Vec::with_capacity(size.max(HEAD.len() + SCAN.len() + TAIL.len()));
    out.extend_from_slice(&HEAD);
    out.extend_from_slice(&SCAN);
    let noise = size.saturating_sub(out.len() + TAIL.len());
    let mut state = seed;
    while out.len() < HEAD.len() + SCAN.len() + noise {
        let word = splitmix64(&mut state).to_le_bytes();
        let room = HEAD.len() + SCAN.len() + noise - out.len();
        // No 0xFF inside the scan: it would read as a marker.
        out.extend(word.iter().take(room).map(|&b| if b == 0xFF { 0xFE } else { b }));
    }
    out.extend_from_slice(&TAIL);
    out.truncate(size);
    Bytes::from(out)
}

/// SHA-256 of `bytes` as the API spells it: 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn a_photo_is_made_again_byte_for_byte_from_its_seed() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..20 {
            let photo = take(&mut rng, Uuid::nil(), 900 * 1024);
            let made = bytes(photo.seed, photo.attachment.size);
            assert_eq!(made.len() as u64, photo.attachment.size);
            assert!((MIN_BYTES..=900 * 1024).contains(&photo.attachment.size));
            assert_eq!(sha256_hex(&made), photo.attachment.sha256);
            assert_eq!(photo.attachment.validate(), Ok(()));
            assert_eq!(made[..4], [0xFF, 0xD8, 0xFF, 0xE0], "starts as a JPEG");
            assert_eq!(made[made.len() - 2..], TAIL, "ends as a JPEG");
            let scan = &made[HEAD.len() + SCAN.len()..made.len() - 2];
            assert!(!scan.contains(&0xFF), "no marker inside the scan");
        }
        assert_ne!(bytes(1, 1000), bytes(2, 1000));
    }
}
