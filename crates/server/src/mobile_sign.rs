//! Links for signing with eGov mobile (`qyzmet_domain::egov_mobile`): each is one formed
//! document waiting for one signature from the applicant's phone, for 180 seconds.
//!
//! The link's id is in the QR code, so it is random and unguessable; it is not enough to read
//! the document: API No. 1 hands out a bearer token (each read replaces the last, only its
//! hash is kept) that API No. 2 requires. A link is used once: it ends signed or refused.

use crate::db::Db;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use qyzmet_domain::egov_mobile::LINK_LIFETIME_SECONDS;
use sqlx::Row;

/// Where a link stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Waiting,
    Signed,
    Refused,
}

impl State {
    fn code(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Signed => "signed",
            State::Refused => "refused",
        }
    }

    fn from_code(code: &str) -> Option<State> {
        [State::Waiting, State::Signed, State::Refused]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone)]
pub struct Link {
    pub id: String,
    pub application_id: i64,
    pub account_id: i64,
    /// The formed outgoing document the phone signs.
    pub document: Vec<u8>,
    token_hash: Option<String>,
    pub state: State,
    /// The refusal's code when refused.
    pub problem: Option<String>,
    pub expires_at: i64,
}

impl Link {
    /// Whether the phone may still use it at `now`.
    pub fn open_at(&self, now: i64) -> bool {
        self.state == State::Waiting && now < self.expires_at
    }

    /// Whether `token` is the one API No. 1 last handed out.
    pub fn token_matches(&self, token: &str) -> bool {
        use subtle::ConstantTimeEq;
        let given = crate::sessions::token_hash(token);
        self.token_hash
            .as_ref()
            .is_some_and(|kept| kept.as_bytes().ct_eq(given.as_bytes()).into())
    }
}

fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A new link for `document` of the application, open for 180 s from `now`.
pub async fn open(
    db: &Db,
    application_id: i64,
    account_id: i64,
    document: &[u8],
    now: i64,
) -> anyhow::Result<Link> {
    let id = random_token()?;
    let expires_at = now + LINK_LIFETIME_SECONDS;
    sqlx::query(
        "INSERT INTO mobile_sign_sessions (id, application_id, account_id, document, state, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, 'waiting', $5, $6)",
    )
    .bind(&id)
    .bind(application_id)
    .bind(account_id)
    .bind(document)
    .bind(now)
    .bind(expires_at)
    .execute(&db.pool)
    .await?;
    Ok(Link {
        id,
        application_id,
        account_id,
        document: document.to_vec(),
        token_hash: None,
        state: State::Waiting,
        problem: None,
        expires_at,
    })
}

pub async fn find(db: &Db, id: &str) -> anyhow::Result<Option<Link>> {
    let row = sqlx::query(
        "SELECT id, application_id, account_id, document, token_hash, state, problem, expires_at \
         FROM mobile_sign_sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        let state: String = r.try_get("state")?;
        Ok(Link {
            id: r.try_get("id")?,
            application_id: r.try_get("application_id")?,
            account_id: r.try_get("account_id")?,
            document: r.try_get("document")?,
            token_hash: r.try_get("token_hash")?,
            state: State::from_code(&state)
                .ok_or_else(|| anyhow::anyhow!("unknown link state {state}"))?,
            problem: r.try_get("problem")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// A fresh bearer token for API No. 2 (the last one stops working), while the link is open.
pub async fn hand_out_token(db: &Db, id: &str, now: i64) -> anyhow::Result<Option<String>> {
    let token = random_token()?;
    let updated = sqlx::query(
        "UPDATE mobile_sign_sessions SET token_hash = $1 WHERE id = $2 AND state = 'waiting' AND expires_at > $3",
    )
    .bind(crate::sessions::token_hash(&token))
    .bind(id)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok((updated.rows_affected() == 1).then_some(token))
}

/// Ends a waiting link as signed or refused (with the refusal's code); false when it had
/// already ended (a second PUT).
pub async fn finish(
    db: &Db,
    id: &str,
    state: State,
    problem: Option<&str>,
) -> anyhow::Result<bool> {
    let updated = sqlx::query(
        "UPDATE mobile_sign_sessions SET state = $1, problem = $2, token_hash = NULL \
         WHERE id = $3 AND state = 'waiting'",
    )
    .bind(state.code())
    .bind(problem)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(updated.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(state: State, expires_at: i64) -> Link {
        Link {
            id: "x".into(),
            application_id: 1,
            account_id: 1,
            document: Vec::new(),
            token_hash: Some(crate::sessions::token_hash("token")),
            state,
            problem: None,
            expires_at,
        }
    }

    #[test]
    fn a_link_is_open_while_waiting_and_before_it_expires() {
        assert!(link(State::Waiting, 100).open_at(99));
        assert!(!link(State::Waiting, 100).open_at(100));
        assert!(!link(State::Signed, 100).open_at(50));
        assert!(!link(State::Refused, 100).open_at(50));
    }

    #[test]
    fn only_the_token_handed_out_matches() {
        let l = link(State::Waiting, 100);
        assert!(l.token_matches("token"));
        assert!(!l.token_matches("tokem"));
        assert!(!l.token_matches(""));
        assert!(
            !Link {
                token_hash: None,
                ..l
            }
            .token_matches("")
        );
    }
}
