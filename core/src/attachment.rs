//! Photos attached to a submission, and the rules of their resumable upload.
//!
//! A photo is uploaded before the submission that lists it, in numbered parts of a fixed
//! size, so that a dropped connection costs one part and not the whole file. It counts
//! only once the server has checked its size and SHA-256; a submission lists the
//! [`AttachmentRef`]s of counted photos and is refused until all of them count.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::problem::ProblemCode;

/// Every part but the last is exactly this long: part `n` covers the bytes
/// `[n * PART_SIZE, (n + 1) * PART_SIZE)` of the file. Small enough to go through on a
/// weak rural link between two drops.
pub const PART_SIZE: u64 = 256 * 1024;
/// The largest file. The app resizes photos to 1600 px, which is well under 1 MiB.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// The largest total of the files of one submission.
pub const MAX_SUBMISSION_BYTES: u64 = 25 * 1024 * 1024;
/// The most parts a file can have.
pub const MAX_PARTS: u32 = MAX_FILE_BYTES.div_ceil(PART_SIZE) as u32;
/// The only content types accepted: what a phone's camera or the app's resizing makes.
pub const ALLOWED_CONTENT_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// A photo that the server holds and has verified: what a submission lists, and what a
/// `photo` answer of a form holds (see [`crate::form`]).
///
/// JSON: `{"id": "<uuid>", "sha256": "<64 hex>", "size": 123456, "content_type": "image/jpeg"}`.
/// No other member is accepted: a file name, for one, would be personal data kept with
/// the answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentRef {
    /// Made on the device when the photo is taken or chosen; the upload's idempotency key.
    pub id: Uuid,
    /// SHA-256 of the whole file, 64 lowercase hex digits.
    pub sha256: String,
    /// Length of the whole file in bytes.
    pub size: u64,
    pub content_type: String,
}

/// Why an attachment or a list of them is refused, before any byte is looked at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("sha256 is not 64 lowercase hex digits")]
    InvalidSha256,
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    #[error("the files of one submission are larger than {MAX_SUBMISSION_BYTES} bytes together")]
    TooLargeTogether,
    #[error("content type is not one of the accepted image types")]
    UnsupportedType,
    #[error("the same attachment is listed twice")]
    Duplicate,
}

impl AttachmentError {
    /// The problem the API answers with.
    pub fn problem_code(&self) -> ProblemCode {
        match self {
            AttachmentError::InvalidSha256 | AttachmentError::Empty => {
                ProblemCode::MalformedRequest
            }
            AttachmentError::Duplicate => ProblemCode::MalformedRequest,
            AttachmentError::TooLarge => ProblemCode::AttachmentTooLarge,
            AttachmentError::TooLargeTogether => ProblemCode::AttachmentsTooLarge,
            AttachmentError::UnsupportedType => ProblemCode::UnsupportedAttachmentType,
        }
    }
}

impl AttachmentRef {
    /// Checks the hash's form, the size and the content type.
    pub fn validate(&self) -> Result<(), AttachmentError> {
        if !is_sha256_hex(&self.sha256) {
            return Err(AttachmentError::InvalidSha256);
        }
        if self.size == 0 {
            return Err(AttachmentError::Empty);
        }
        if self.size > MAX_FILE_BYTES {
            return Err(AttachmentError::TooLarge);
        }
        if !ALLOWED_CONTENT_TYPES.contains(&self.content_type.as_str()) {
            return Err(AttachmentError::UnsupportedType);
        }
        Ok(())
    }

    /// How many parts the file is uploaded in.
    pub fn parts(&self) -> u32 {
        part_count(self.size)
    }

    /// What the device says of the whole file once its parts are sent
    /// (`POST /api/v1/attachments/{id}/complete`).
    pub fn completion(&self) -> CompleteUpload {
        CompleteUpload {
            sha256: self.sha256.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            parts: self.parts(),
        }
    }
}

/// Checks every attachment of one submission and their total size.
pub fn validate_all(attachments: &[AttachmentRef]) -> Result<(), AttachmentError> {
    let mut total: u64 = 0;
    for (i, attachment) in attachments.iter().enumerate() {
        attachment.validate()?;
        if attachments[..i].iter().any(|a| a.id == attachment.id) {
            return Err(AttachmentError::Duplicate);
        }
        total = total.saturating_add(attachment.size);
    }
    if total > MAX_SUBMISSION_BYTES {
        return Err(AttachmentError::TooLargeTogether);
    }
    Ok(())
}

/// How many parts a file of `size` bytes is uploaded in (0 for an empty file).
pub fn part_count(size: u64) -> u32 {
    u32::try_from(size.div_ceil(PART_SIZE)).unwrap_or(u32::MAX)
}

/// The length part `n` of a file of `size` bytes must have, or `None` when the file has
/// no such part.
pub fn part_len(size: u64, n: u32) -> Option<u64> {
    let start = u64::from(n).checked_mul(PART_SIZE)?;
    (start < size).then(|| (size - start).min(PART_SIZE))
}

/// One part of an upload: the bytes `start..end` of the file go to
/// `PUT /api/v1/attachments/{id}/parts/{n}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub n: u32,
    pub start: u64,
    pub end: u64,
}

impl Part {
    pub fn len(&self) -> u64 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The upload plan, written once for every client (the app, the chaos test): the parts of
/// a file of `size` bytes that are not among `received` (what `GET /api/v1/attachments/{id}`
/// listed), in ascending order. Everything for a fresh upload; nothing once every part
/// arrived. Part numbers in `received` that such a file cannot have are ignored.
pub fn parts_to_send(size: u64, received: &[u32]) -> Vec<Part> {
    (0..part_count(size))
        .filter(|n| !received.contains(n))
        .filter_map(|n| {
            let start = u64::from(n) * PART_SIZE;
            part_len(size, n).map(|len| Part { n, start, end: start + len })
        })
        .collect()
}

/// Whether `s` is a SHA-256 in the form the API uses: 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// `GET /api/v1/attachments/{id}`: how far an upload got, so that a client resumes
/// with the parts that are missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadStatus {
    pub id: Uuid,
    /// Part numbers received and not yet assembled, ascending.
    pub received_parts: Vec<u32>,
    /// Whether the file was assembled and verified: it may then be listed in a submission.
    pub complete: bool,
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<AttachmentRef>,
}

impl UploadStatus {
    /// Whether the server holds `photo`, verified, with exactly this hash, size and type:
    /// nothing is left to upload.
    pub fn holds(&self, photo: &AttachmentRef) -> bool {
        self.complete && self.id == photo.id && self.attachment.as_ref() == Some(photo)
    }
}

/// `POST /api/v1/attachments/{id}/complete`: what the device knows of the whole file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompleteUpload {
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    /// How many parts were sent; must be `part_count(size)`.
    pub parts: u32,
}

impl CompleteUpload {
    /// The reference the attachment gets once its bytes are verified.
    pub fn into_ref(self, id: Uuid) -> AttachmentRef {
        AttachmentRef { id, sha256: self.sha256, size: self.size, content_type: self.content_type }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(size: u64) -> AttachmentRef {
        AttachmentRef {
            id: Uuid::from_u128(size.into()),
            sha256: "ab".repeat(32),
            size,
            content_type: "image/jpeg".into(),
        }
    }

    #[test]
    fn the_limits_are_what_the_messages_say() {
        assert_eq!(PART_SIZE, 262_144);
        assert_eq!(MAX_FILE_BYTES, 8 * 1_048_576);
        assert_eq!(MAX_SUBMISSION_BYTES, 25 * 1_048_576);
        assert_eq!(MAX_PARTS, 32);
        assert!(ProblemCode::AttachmentTooLarge.title(crate::Lang::En).contains("8 MB"));
        assert!(ProblemCode::AttachmentsTooLarge.title(crate::Lang::En).contains("25 MB"));
    }

    #[test]
    fn parts_are_fixed_size_and_the_last_one_is_the_rest() {
        assert_eq!(part_count(1), 1);
        assert_eq!(part_count(PART_SIZE), 1);
        assert_eq!(part_count(PART_SIZE + 1), 2);
        assert_eq!(part_count(MAX_FILE_BYTES), MAX_PARTS);
        let size = 2 * PART_SIZE + 10;
        assert_eq!(part_len(size, 0), Some(PART_SIZE));
        assert_eq!(part_len(size, 1), Some(PART_SIZE));
        assert_eq!(part_len(size, 2), Some(10));
        assert_eq!(part_len(size, 3), None);
        assert_eq!(part_len(PART_SIZE, 1), None);
        assert_eq!(part_len(size, u32::MAX), None);
    }

    #[test]
    fn a_fresh_upload_sends_every_part_and_a_resumed_one_only_the_missing() {
        let size = 2 * PART_SIZE + 10;
        let all = parts_to_send(size, &[]);
        assert_eq!(
            all,
            [
                Part { n: 0, start: 0, end: PART_SIZE },
                Part { n: 1, start: PART_SIZE, end: 2 * PART_SIZE },
                Part { n: 2, start: 2 * PART_SIZE, end: size },
            ]
        );
        assert_eq!(all.iter().map(Part::len).sum::<u64>(), size, "the parts are the file");
        assert_eq!(parts_to_send(size, &[2, 0]), [all[1]], "any order");
        assert_eq!(parts_to_send(size, &[0, 1, 2]), []);
        assert_eq!(parts_to_send(size, &[0, 1, 2, 7]), [], "a part it cannot have");
        assert_eq!(parts_to_send(size, &[7]), all);
        assert_eq!(parts_to_send(1, &[]), [Part { n: 0, start: 0, end: 1 }]);
        assert_eq!(parts_to_send(PART_SIZE, &[]), [Part { n: 0, start: 0, end: PART_SIZE }]);
        assert_eq!(parts_to_send(0, &[]), [], "an empty file has no part");
        let largest = parts_to_send(MAX_FILE_BYTES, &[]);
        assert_eq!(largest.len(), MAX_PARTS as usize);
        assert!(largest.iter().all(|part| part.len() == PART_SIZE && !part.is_empty()));
        for part in &largest {
            assert_eq!(
                part_len(MAX_FILE_BYTES, part.n),
                Some(part.len()),
                "what the server expects"
            );
        }
    }

    #[test]
    fn nothing_is_left_to_upload_only_when_the_server_holds_that_very_file() {
        let p = photo(PART_SIZE + 1);
        let status = |complete, attachment| UploadStatus {
            id: p.id,
            received_parts: vec![],
            complete,
            attachment,
        };
        assert!(status(true, Some(p.clone())).holds(&p));
        assert!(!status(false, None).holds(&p));
        let other = AttachmentRef { sha256: "cd".repeat(32), ..p.clone() };
        assert!(!status(true, Some(other)).holds(&p), "another file under this id");
        let completion = p.completion();
        assert_eq!(completion.parts, 2);
        assert_eq!(completion.into_ref(p.id), p);
    }

    #[test]
    fn an_attachment_needs_a_real_hash_a_size_within_limits_and_an_image_type() {
        assert_eq!(photo(1000).validate(), Ok(()));
        assert_eq!(photo(MAX_FILE_BYTES).validate(), Ok(()));
        assert_eq!(photo(MAX_FILE_BYTES + 1).validate(), Err(AttachmentError::TooLarge));
        assert_eq!(photo(0).validate(), Err(AttachmentError::Empty));
        let upper = AttachmentRef { sha256: "AB".repeat(32), ..photo(1) };
        assert_eq!(upper.validate(), Err(AttachmentError::InvalidSha256));
        let short = AttachmentRef { sha256: "ab".repeat(31), ..photo(1) };
        assert_eq!(short.validate(), Err(AttachmentError::InvalidSha256));
        for content_type in ["image/jpeg", "image/png", "image/webp"] {
            assert_eq!(
                AttachmentRef { content_type: content_type.into(), ..photo(1) }.validate(),
                Ok(())
            );
        }
        for content_type in ["image/gif", "application/pdf", "IMAGE/JPEG", ""] {
            let other = AttachmentRef { content_type: content_type.into(), ..photo(1) };
            assert_eq!(other.validate(), Err(AttachmentError::UnsupportedType), "{content_type}");
        }
    }

    #[test]
    fn a_submission_may_carry_three_large_photos_but_not_four() {
        let photos: Vec<_> = (0..4)
            .map(|i| AttachmentRef { id: Uuid::from_u128(i), ..photo(MAX_FILE_BYTES) })
            .collect();
        assert_eq!(validate_all(&photos[..3]), Ok(()));
        assert_eq!(validate_all(&photos), Err(AttachmentError::TooLargeTogether));
        assert_eq!(validate_all(&[]), Ok(()));
        let twice = [photo(10), photo(10)];
        assert_eq!(validate_all(&twice), Err(AttachmentError::Duplicate));
    }

    #[test]
    fn every_error_maps_to_a_problem_with_the_right_status() {
        assert_eq!(AttachmentError::TooLarge.problem_code().status(), 413);
        assert_eq!(AttachmentError::TooLargeTogether.problem_code().status(), 413);
        assert_eq!(AttachmentError::UnsupportedType.problem_code().status(), 422);
        assert_eq!(AttachmentError::InvalidSha256.problem_code().status(), 400);
    }

    #[test]
    fn upload_status_names_the_ref_ref() {
        let status = UploadStatus {
            id: Uuid::nil(),
            received_parts: vec![],
            complete: true,
            attachment: Some(photo(5)),
        };
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["ref"]["size"], 5);
        assert_eq!(serde_json::from_value::<UploadStatus>(json).unwrap(), status);
    }
}
