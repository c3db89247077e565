//! Passwords: argon2id hashes, and the policy a new password must meet.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub const MIN_LENGTH: usize = 8;

/// The most common passwords of public breach lists: refused whatever their length.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "password1",
    "qwerty123",
    "qwertyui",
    "11111111",
    "00000000",
    "12341234",
    "87654321",
    "iloveyou",
    "abcd1234",
    "abc12345",
    "qwerty12",
    "1q2w3e4r",
    "1qaz2wsx",
    "zaq12wsx",
    "qazwsxedc",
    "password123",
    "passw0rd",
    "admin123",
    "welcome1",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "letmein1",
    "monkey12",
    "dragon12",
    "master12",
    "michael1",
    "qwertyuiop",
    "asdfghjk",
    "zxcvbnm1",
    "123qweasd",
    "1q2w3e4r5t",
    "q1w2e3r4",
    "qweasdzxc",
    "11223344",
    "55555555",
    "66666666",
    "77777777",
    "88888888",
    "99999999",
    "12121212",
    "123123123",
    "kazakhstan",
    "almaty123",
    "astana123",
    "qazaqstan",
    "пароль123",
    "йцукенгш",
];

/// Why a new password is refused (a field error code `password.<…>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    TooShort,
    Common,
    SameAsLogin,
}

impl PolicyError {
    pub const ALL: [PolicyError; 3] = [
        PolicyError::TooShort,
        PolicyError::Common,
        PolicyError::SameAsLogin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PolicyError::TooShort => "password.too_short",
            PolicyError::Common => "password.common",
            PolicyError::SameAsLogin => "password.same_as_login",
        }
    }
}

pub fn check_policy(password: &str, login: &str) -> Result<(), PolicyError> {
    if password.chars().count() < MIN_LENGTH {
        return Err(PolicyError::TooShort);
    }
    let lowered = password.to_lowercase();
    if COMMON.contains(&lowered.as_str()) {
        return Err(PolicyError::Common);
    }
    if password.trim() == login.trim() {
        return Err(PolicyError::SameAsLogin);
    }
    Ok(())
}

pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?
        .to_string())
}

pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// The password hash of an account that logs in with EDS only (staff the administrator
/// added): a random secret nobody is told, hashed like any password so that trying one
/// takes as long as for anyone else.
pub fn unusable_hash() -> anyhow::Result<String> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    hash(&crate::hex::hex(&secret))
}

/// A hash to verify against when the account does not exist, so a wrong login takes as long
/// as a wrong password and timing does not tell which accounts exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that matches nothing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert_eq!(check_policy("short", "x"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("Password1", "x"), Err(PolicyError::Common));
        assert_eq!(
            check_policy("880315400123", "880315400123"),
            Err(PolicyError::SameAsLogin)
        );
        assert_eq!(check_policy("дала-кең-2026", "x"), Ok(()));
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct horsf", &a));
        assert!(!verify("anything", "not a hash"));
    }
}
