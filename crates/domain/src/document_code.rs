//! The short code printed on every receipt, result and refusal (beside its QR code): anyone
//! holding the paper opens `/verify/<code>` — or types the code — to see that the portal
//! issued it and what it says. Ten characters of Crockford's base32 (50 random bits), shown
//! as `XXXXX-XXXXX`; read forgivingly, as people copy codes from paper: any case, hyphens and
//! spaces ignored, O read as 0 and I or L as 1.

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH: usize = 10;

/// A well-formed document code (normalised: upper case, no separator).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocumentCode(String);

impl DocumentCode {
    /// The code of 50 random bits (the low 50 of `random`).
    pub fn from_random(random: u64) -> DocumentCode {
        let code = (0..LENGTH)
            .map(|i| ALPHABET[((random >> (5 * (LENGTH - 1 - i))) & 31) as usize] as char)
            .collect();
        DocumentCode(code)
    }

    /// A code as typed or scanned; `None` when it cannot be one.
    pub fn parse(raw: &str) -> Option<DocumentCode> {
        let mut code = String::with_capacity(LENGTH);
        for c in raw.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return None,
            };
            code.push(c);
        }
        (code.len() == LENGTH).then_some(DocumentCode(code))
    }

    /// As stored and looked up.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// As printed: `XXXXX-XXXXX`.
impl std::fmt::Display for DocumentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", &self.0[..5], &self.0[5..])
    }
}

impl TryFrom<String> for DocumentCode {
    type Error = &'static str;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        DocumentCode::parse(&raw).ok_or("not a document code")
    }
}

impl From<DocumentCode> for String {
    fn from(code: DocumentCode) -> String {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_print_in_two_halves_and_read_back_as_people_copy_them() {
        let code = DocumentCode::from_random(0x3_ffff_ffff_ffff);
        assert_eq!(code.to_string(), "ZZZZZ-ZZZZZ");
        let code = DocumentCode::from_random(0x0123_4567_89ab);
        let printed = code.to_string();
        assert_eq!(printed.len(), 11);
        assert_eq!(DocumentCode::parse(&printed), Some(code.clone()));
        assert_eq!(
            DocumentCode::parse(&printed.to_lowercase().replace('-', " ")),
            Some(code)
        );
        assert_eq!(
            DocumentCode::parse("o1il0-abcde"),
            DocumentCode::parse("01110-ABCDE")
        );
        for bad in [
            "",
            "ABCDE-FGHJ",
            "ABCDE-FGHJKM",
            "ABCDE-FGHJU",
            "ABCDE/FGHJK",
            "ӘБВГД-ЕЖЗИК",
        ] {
            assert_eq!(DocumentCode::parse(bad), None, "{bad}");
        }
    }
}
