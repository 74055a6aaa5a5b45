//! Client-side helpers shared by the retry and tracing tests: the Alibaba seed request and a
//! CCC client over the test transport.

use switchboard_alibaba_ccc as alibaba;
use switchboard_runtime::auth::Auth;
use switchboard_runtime::retry::RetryPolicy;

/// `UnmuteCall` with the documented sample's values.
pub fn unmute() -> alibaba::unmute_call::Request {
    alibaba::unmute_call::Request::builder()
        .instance_id("ccc-test")
        .user_id("agent@ccc-test")
        .device_id("device")
        .job_id("job-6538214103685****")
        .build()
        .expect("valid")
}

/// A CCC client at `base` with `auth` and `policy`, over [`super::transport`].
pub fn ccc_client(base: &str, auth: impl Auth, policy: RetryPolicy) -> alibaba::Client {
    alibaba::Client::builder()
        .base_url(base)
        .transport(super::transport())
        .auth(auth)
        .retry(policy)
        .build()
        .expect("the client builds")
}
