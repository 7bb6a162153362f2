//! Parsing the `Authorization: AWS4-HMAC-SHA256 ...` header.

use super::canonical::ALGORITHM;
use super::error::{ErrorKind, VerifyError, truncate};

/// The parsed parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The access key id (first element of `Credential`).
    pub access_key_id: String,
    /// The scope date, `YYYYMMDD`.
    pub date: String,
    /// The scope region.
    pub region: String,
    /// The scope service.
    pub service: String,
    /// The scope terminator (should be `aws4_request`).
    pub terminator: String,
    /// `SignedHeaders`, split on `;`, as sent.
    pub signed_headers: Vec<String>,
    /// The hex signature, as sent.
    pub signature: String,
}

impl Authorization {
    /// Parses an `Authorization` header value.
    ///
    /// # Errors
    /// [`ErrorKind::IncompleteSignature`] when the algorithm is not
    /// `AWS4-HMAC-SHA256` or `Credential`, `SignedHeaders` or `Signature` is
    /// missing or malformed.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        let value = value.trim();
        let (algorithm, rest) = match value.split_once([' ', '\t']) {
            Some((a, r)) => (a, r),
            None => (value, ""),
        };
        if algorithm != ALGORITHM {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                format!(
                    "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Unsupported authorization algorithm '{}', expected '{ALGORITHM}'.",
                    truncate(algorithm, 40)
                ),
            ));
        }
        let mut credential = None;
        let mut signed_headers = None;
        let mut signature = None;
        for part in rest.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((key, val)) = part.split_once('=') else {
                return Err(VerifyError::new(
                    ErrorKind::IncompleteSignature,
                    format!(
                        "Authorization header requires each component to be of the form key=value, got '{}'.",
                        truncate(part, 40)
                    ),
                ));
            };
            match key.trim() {
                "Credential" => credential = Some(val.trim()),
                "SignedHeaders" => signed_headers = Some(val.trim()),
                "Signature" => signature = Some(val.trim()),
                _ => {}
            }
        }
        let credential = credential.filter(|s| !s.is_empty());
        let signature = signature.filter(|s| !s.is_empty());
        let signed_headers = signed_headers.filter(|s| !s.is_empty());
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            let mut missing = Vec::new();
            if credential.is_none() {
                missing.push("Authorization header requires 'Credential' parameter.");
            }
            if signature.is_none() {
                missing.push("Authorization header requires 'Signature' parameter.");
            }
            if signed_headers.is_none() {
                missing.push("Authorization header requires 'SignedHeaders' parameter.");
            }
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                missing.join(" "),
            ));
        };
        let parts: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, terminator] = parts.as_slice() else {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                format!(
                    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
                    truncate(credential, 120)
                ),
            ));
        };
        if access_key_id.is_empty() || date.is_empty() || region.is_empty() || service.is_empty() {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                format!(
                    "Credential has an empty element, expected keyid/date/region/service/term, got '{}'",
                    truncate(credential, 120)
                ),
            ));
        }
        let signed: Vec<String> = signed_headers.split(';').map(str::to_owned).collect();
        if signed.iter().any(String::is_empty) {
            return Err(VerifyError::new(
                ErrorKind::IncompleteSignature,
                "SignedHeaders must be a non-empty ';'-separated list of header names.",
            ));
        }
        Ok(Authorization {
            access_key_id: (*access_key_id).to_owned(),
            date: (*date).to_owned(),
            region: (*region).to_owned(),
            service: (*service).to_owned(),
            terminator: (*terminator).to_owned(),
            signed_headers: signed,
            signature: signature.to_owned(),
        })
    }

    /// The credential scope: `date/region/service/terminator`.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.date, self.region, self.service, self.terminator
        )
    }

    /// Whether `name` (case-insensitive) is in `SignedHeaders`.
    pub fn signs(&self, name: &str) -> bool {
        self.signed_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_parsing() {
        let ok = Authorization::parse(
            "AWS4-HMAC-SHA256 Credential=AK/20260101/us-west-2/aws-external-anthropic/aws4_request,SignedHeaders=host;x-amz-date,Signature=ab",
        );
        assert!(ok.is_ok());
        for bad in [
            "",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA512 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, Signature=00",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host;;x, Signature=00",
            "AWS4-HMAC-SHA256 garbage",
        ] {
            let err = Authorization::parse(bad).err().map(|e| e.kind);
            assert_eq!(err, Some(ErrorKind::IncompleteSignature), "{bad:?}");
        }
    }
}
