//! An independent AWS Signature Version 4 *verifier*.
//!
//! The client signs with the `aws-sigv4` crate; this module re-derives every
//! step from the specification (using only `hmac` and `sha2`), so that a bug
//! on one side cannot hide in the other. It implements header-based signing
//! for non-S3 services: the path is normalized and every segment is encoded
//! again (an already percent-encoded path is encoded twice), the payload hash
//! is always the SHA-256 of the exact body bytes.
//!
//! The building blocks ([`canonical_request`], [`string_to_sign`],
//! [`signing_key`], [`signature`]) are public so that the verifier can be
//! checked byte for byte against the AWS SigV4 test suite.
//!
//! ```
//! use std::time::Duration;
//! use anthropic_aws_emulator::sigv4::{self, CredentialStore, RequestView, VerifyOptions};
//! use anthropic_aws_emulator::time;
//!
//! let now = time::parse_amz_date("20150830T123600Z").unwrap();
//! let headers = vec![
//!     ("host".to_owned(), "example.amazonaws.com".to_owned()),
//!     ("x-amz-date".to_owned(), "20150830T123600Z".to_owned()),
//! ];
//! let mut request = RequestView::new("GET", "/", &headers, b"");
//! // Sign like a client would ...
//! let signed = ["host".to_owned(), "x-amz-date".to_owned()];
//! let creq = sigv4::canonical_request(&request, &signed, true);
//! let scope = "20150830/us-east-1/service/aws4_request";
//! let sts = sigv4::string_to_sign("20150830T123600Z", scope, &creq);
//! let key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "service");
//! let sig = sigv4::signature(&key, &sts);
//! assert_eq!(sig, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
//!
//! // ... then verify.
//! let mut all = headers.clone();
//! all.push(("authorization".to_owned(), format!(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{scope}, SignedHeaders=host;x-amz-date, Signature={sig}"
//! )));
//! request.headers = &all;
//! let mut store = CredentialStore::new();
//! store.insert_long_term("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let options = VerifyOptions::new("us-east-1", "service", now);
//! let verified = sigv4::verify(&request, &store, &options).unwrap();
//! assert_eq!(verified.access_key_id, "AKIDEXAMPLE");
//! ```

mod canonical;
mod credentials;
mod error;
mod parse;
mod request;
mod verify;

pub use canonical::{
    ALGORITHM, SERVICE, TERMINATOR, canonical_header_value, canonical_headers, canonical_query,
    canonical_request, canonical_uri, hmac_sha256, normalize_path, payload_hash, percent_decode,
    sha256_hex, signature, signing_key, string_to_sign, uri_encode,
};
pub use credentials::CredentialStore;
pub(crate) use credentials::constant_time_eq;
pub use error::{
    EXPIRED_TOKEN_MESSAGE, ErrorKind, SIGNATURE_MISMATCH_MESSAGE, UNRECOGNIZED_CLIENT_MESSAGE,
    VerifyError,
};
pub use parse::Authorization;
pub use request::RequestView;
pub use verify::{SignedHeaderPolicy, Verified, VerifyOptions, single_authorization, verify};
