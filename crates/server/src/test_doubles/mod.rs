//! TEST doubles: stand-ins for the outside parties the demo cannot reach (an SMS provider, a
//! card acquirer, NCA RK's certification authority and eGov mobile), each behind the interface the real adapter implements and marked TEST
//! wherever a user meets it. They exist in the demo mode only: `crate::mode` builds none of
//! them for a production start, and `http::router` mounts their routes only in the demo.

pub mod mobile_signer;
pub mod payment_gateway;
pub mod sms_outbox;
pub mod test_ca;
