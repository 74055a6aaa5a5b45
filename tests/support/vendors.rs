//! The four vendors' servers as the tests emulate them: each checks credentials the way
//! VENDORS.md documents and answers in the vendor's envelope. Signatures are re-computed with
//! [`super::verify`], never with the runtime's signing code.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::verify::{Ticket, acs3, parse_utc, rpc_signature, verify_user_sig};
use super::{Recorded, Reply, lock, unix_now};

// ---------------------------------------------------------------------------------------------
// Huawei agent gateway: `Set-GUID: JSESSIONID=<guid>` from sign-in and (AUTHMODE 2) polling.
// ---------------------------------------------------------------------------------------------

pub const HW_PASSWORD: &str = "Agent#Pass-7731";
pub const HW_GUIDS: [&str; 3] = [
    "5b1f0a3c-1d2e-4f60-9a7b-c8d9e0f1a2b3.AgentGateway0",
    "6c2a1b4d-2e3f-4071-8b8c-d9e0f1a2b3c4.AgentGateway0",
    "7d3b2c5e-3f40-4182-9c9d-e0f1a2b3c4d5.AgentGateway0",
];
pub const HW_BASE: &str = "/agentgateway/resource";

/// The gateway's session: which GUID is valid now, and whether the next poll renews it.
#[derive(Default)]
pub struct Gateway {
    current: Option<&'static str>,
    issued: usize,
    /// Renew the GUID on the next poll answer (AUTHMODE 2).
    pub rotate_on_poll: bool,
}

impl Gateway {
    fn issue(&mut self) -> &'static str {
        let guid = HW_GUIDS[self.issued];
        self.issued += 1;
        self.current = Some(guid);
        guid
    }

    /// Answers one request (sign-in, poll, leave, sign-out).
    pub fn answer(&mut self, request: &Recorded) -> Reply {
        let ok = || {
            Reply::json(
                200,
                &json!({"result": {}, "message": "success", "retcode": "0"}),
            )
        };
        let not_signed_in = || {
            Reply::json(
                200,
                &json!({"message": "agent not signed in", "retcode": "100-006"}),
            )
        };
        let path = request.path.as_str();
        if request.method == "PUT" && path == format!("{HW_BASE}/onlineagent/101") {
            let body = request.json();
            if body["password"] != HW_PASSWORD {
                return Reply::json(
                    200,
                    &json!({"message": "wrong password", "retcode": "100-004"}),
                );
            }
            let guid = self.issue();
            return ok().header("Set-GUID", &format!("JSESSIONID={guid}"));
        }
        // Every other interface: the Guid header must be the GUID in force.
        let authorized = self.current.is_some() && request.header("guid") == self.current;
        if !authorized {
            return not_signed_in();
        }
        match (request.method.as_str(), path) {
            ("GET", p) if p == format!("{HW_BASE}/agentevent/101") => {
                let frame = json!({"message": "", "retcode": "0", "event": {
                    "eventType": "AgentConf_ParticipantChanged", "workNo": "101",
                    "content": {"result": 0, "changeType": 1, "changeReason": 0,
                                "confId": 1031168, "participant": "101", "participantType": 9}}});
                let reply = Reply::json(200, &frame);
                if std::mem::take(&mut self.rotate_on_poll) {
                    let guid = self.issue();
                    return reply.header("Set-GUID", &format!("JSESSIONID={guid}"));
                }
                reply
            }
            ("POST", p) if p == format!("{HW_BASE}/agentconf/101/requestleaveagentconf") => ok(),
            ("DELETE", p) if p == format!("{HW_BASE}/onlineagent/101/logout") => {
                self.current = None;
                ok()
            }
            _ => Reply::json(
                200,
                &json!({"message": "bad address", "retcode": "000-002"}),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Genesys GWS: Basic, JSESSIONID cookie, X-CSRF-HEADER / X-CSRF-TOKEN from GET /api/v2/me.
// ---------------------------------------------------------------------------------------------

pub const GWS_USER: &str = "ksippo";
pub const GWS_PASSWORD: &str = "gws-Pa55word!";
pub const GWS_TOKENS: [&str; 4] = [
    "4a92be65-ec55-4aa2-b9df-9518fd870f2f",
    "5b03cf76-fd66-4bb3-cae0-a629ae981a30",
    "6c14d087-0e77-4cc4-dbf1-b73abfa92b41",
    "7d25e198-1f88-4dd5-ec02-c84bc0ba3c52",
];
pub const GWS_SESSIONS: [&str; 2] = [
    "1q2w3e4r5t6y7u8i9o0p.gws-node-1",
    "0p9o8i7u6y5t4r3e2w1q.gws-node-1",
];
pub const GWS_ELB: &str = "elb-sticky-9f8e7d6c";
pub const CSRF_FAILURE: &str = "Missing or invalid Csrf token";

/// The GWS node: Basic first, then for writes the session cookie and its CSRF token.
#[derive(Default)]
pub struct Gws {
    /// JSESSIONID → its CSRF token.
    pub sessions: HashMap<&'static str, &'static str>,
    next_session: usize,
    next_token: usize,
    /// Refuse every write (to show the client retries once, not forever).
    pub refuse_writes: bool,
}

impl Gws {
    fn token(&mut self) -> &'static str {
        let token = GWS_TOKENS[self.next_token];
        self.next_token += 1;
        token
    }

    pub fn answer(&mut self, request: &Recorded) -> Reply {
        let expected = format!(
            "Basic {}",
            STANDARD.encode(format!("{GWS_USER}:{GWS_PASSWORD}"))
        );
        if request.header("authorization") != Some(expected.as_str()) {
            return Reply::json(
                401,
                &json!({"statusCode": 20, "statusMessage": "Access denied"}),
            );
        }
        let session = request
            .cookie("JSESSIONID")
            .and_then(|id| self.sessions.keys().copied().find(|known| *known == id));
        if request.method == "GET" {
            assert_eq!(request.path, "/api/v2/me", "the CSRF refresh path");
            let mut reply = Reply::json(
                200,
                &json!({"statusCode": 0, "user": {"userName": GWS_USER}}),
            );
            let session = match session {
                Some(id) => id,
                None => {
                    let id = GWS_SESSIONS[self.next_session];
                    self.next_session += 1;
                    let token = self.token();
                    self.sessions.insert(id, token);
                    reply = reply
                        .header(
                            "Set-Cookie",
                            &format!("JSESSIONID={id}; Path=/api/v2; HttpOnly"),
                        )
                        .header("Set-Cookie", &format!("AWSELB={GWS_ELB}; Path=/"));
                    id
                }
            };
            let token = self.sessions[session];
            return reply
                .header("X-CSRF-HEADER", "X-CSRF-TOKEN")
                .header("X-CSRF-TOKEN", token);
        }
        let valid =
            session.is_some_and(|id| request.header("x-csrf-token") == Some(self.sessions[id]));
        if !valid || self.refuse_writes {
            return Reply::text(403, CSRF_FAILURE);
        }
        Reply::json(200, &json!({"statusCode": 0}))
    }

    /// The server rotates a session's token without telling the client.
    pub fn rotate(&mut self) {
        let ids: Vec<_> = self.sessions.keys().copied().collect();
        for id in ids {
            let token = self.token();
            self.sessions.insert(id, token);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tencent IM REST: sdkappid / identifier / usersig / random / contenttype.
// ---------------------------------------------------------------------------------------------

pub const TC_APP_ID: u64 = 1400000000;
pub const TC_ADMIN: &str = "administrator";
pub const TC_KEY: &str = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
pub const TC_WRONG_KEY: &str = "0000850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb90000";

/// The IM REST server: checks the fixed query, then the UserSig against the app's key.
pub fn im_answer(request: &Recorded, tickets: &Mutex<Vec<Ticket>>) -> Reply {
    let fail = |code: i64, info: &str| {
        Reply::json(
            200,
            &json!({"ActionStatus": "FAIL", "ErrorInfo": info, "ErrorCode": code}),
        )
    };
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v4/desk_http_svc/end_session")
    );
    if request.query_value("contenttype") != Some("json") {
        return fail(60002, "contenttype must be json");
    }
    if request
        .query_value("random")
        .and_then(|r| r.parse::<u32>().ok())
        .is_none()
    {
        return fail(60002, "random must be a 32-bit unsigned integer");
    }
    if request.query_value("sdkappid") != Some(TC_APP_ID.to_string().as_str()) {
        return fail(70020, "SDKAppID not found");
    }
    let identifier = request.query_value("identifier").unwrap_or_default();
    if identifier != TC_ADMIN {
        return fail(60010, "the request requires App administrator permission");
    }
    let user_sig = request.query_value("usersig").unwrap_or_default();
    let ticket = match verify_user_sig(user_sig, TC_KEY) {
        Ok(ticket) => ticket,
        Err(70009) => return fail(70009, "usersig verification failed"),
        Err(70001) => return fail(70001, "usersig expired"),
        Err(code) => return fail(code, "usersig cannot be parsed"),
    };
    if ticket.identifier != identifier {
        return fail(70013, "identifier does not match the usersig");
    }
    if ticket.sdkappid != TC_APP_ID {
        return fail(70014, "sdkappid does not match the usersig");
    }
    lock(tickets).push(ticket);
    Reply::json(
        200,
        &json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0}),
    )
}

// ---------------------------------------------------------------------------------------------
// Alibaba CCC: ACS3-HMAC-SHA256 and the HMAC-SHA1 RPC signature.
// ---------------------------------------------------------------------------------------------

pub const ALI_KEY_ID: &str = "LTAI5tE2eTestKeyId";
pub const ALI_SECRET: &str = "AccessKeySecret-9Zq8Xw7Vu6";
pub const ALI_WRONG_SECRET: &str = "AccessKeySecret-Wrong-0000";
pub const SHA256_EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A gateway-level error body: `{RequestId, HostId, Code, Message}` with a real HTTP status.
pub fn ali_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({"RequestId": "5E0B1C2D-3A4F-4B6C-8D9E-0F1A2B3C4D5E",
                "HostId": "ccc.cn-shanghai.aliyuncs.com", "Code": code, "Message": message}),
    )
}

/// A success envelope carrying part of the UnmuteCall sample's `Data`.
pub fn unmute_ok() -> Reply {
    Reply::json(
        200,
        &json!({"Code": "OK", "HttpStatusCode": 200, "Message": "无",
                "RequestId": "EEEE671A-3E24-4A04-81E6-6C4F5B39DF75", "Params": ["无"],
                "Data": {"CallContext": {"CallType": "OUTBOUND", "InstanceId": "ccc-test",
                                         "JobId": "job-6538214103685****"}}}),
    )
}

/// The CCC gateway with signature V3: every required header signed, body hash, date window,
/// then the signature re-computed over what arrived.
pub fn acs3_answer(request: &Recorded) -> Reply {
    if let Err(reply) = acs3_verify(request) {
        return reply;
    }
    if (
        request.header("x-acs-action"),
        request.header("x-acs-version"),
    ) != (Some("UnmuteCall"), Some("2020-07-01"))
    {
        return ali_error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    unmute_ok()
}

/// The signature V3 checks of [`acs3_answer`], for any action: the error reply when a check
/// fails.
pub fn acs3_verify(request: &Recorded) -> Result<(), Reply> {
    let Some(authorization) = request.header("authorization") else {
        return Err(ali_error(
            400,
            "MissingParameter",
            "Authorization is mandatory for this action.",
        ));
    };
    let Some(fields) = authorization.strip_prefix("ACS3-HMAC-SHA256 ") else {
        return Err(ali_error(400, "IncompleteSignature", "unknown algorithm"));
    };
    let fields: HashMap<&str, &str> = fields
        .split(',')
        .filter_map(|f| f.trim().split_once('='))
        .collect();
    if fields.get("Credential") != Some(&ALI_KEY_ID) {
        return Err(ali_error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        ));
    }
    let signed: Vec<&str> = fields
        .get("SignedHeaders")
        .copied()
        .unwrap_or_default()
        .split(';')
        .collect();
    for required in [
        "host",
        "x-acs-action",
        "x-acs-content-sha256",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-version",
    ] {
        if !signed.contains(&required) {
            return Err(ali_error(
                400,
                "IncompleteSignature",
                &format!("{required} is not signed"),
            ));
        }
    }
    if request.header("x-acs-content-sha256")
        != Some(hex::encode(Sha256::digest(&request.body)).as_str())
    {
        return Err(ali_error(
            400,
            "IncompleteSignature",
            "the body hash does not match",
        ));
    }
    let date = request.header("x-acs-date").and_then(parse_utc);
    let now = i64::try_from(unix_now()).expect("fits");
    if date.is_none_or(|d| (d - now).abs() > 15 * 60) {
        return Err(ali_error(
            400,
            "IllegalTimestamp",
            "x-acs-date is outside the 15-minute window",
        ));
    }
    let headers: Vec<(String, String)> = signed
        .iter()
        .map(|name| {
            (
                (*name).to_owned(),
                request.header(name).unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let (_, expected) = acs3(
        &request.method,
        &request.path,
        &request.query,
        &headers,
        &request.body,
        ALI_SECRET,
    );
    if fields.get("Signature") != Some(&expected.as_str()) {
        return Err(ali_error(
            403,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        ));
    }
    Ok(())
}

/// The CCC gateway with the RPC signature (SignatureVersion 1.0, HMAC-SHA1). Without
/// `Format=JSON` it answers XML, the documented default.
pub fn rpc_answer(request: &Recorded) -> Reply {
    let mut params = request.query.clone();
    let signatures: Vec<String> = params
        .iter()
        .filter(|(n, _)| n == "Signature")
        .map(|(_, v)| v.clone())
        .collect();
    params.retain(|(n, _)| n != "Signature");
    let value = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    if signatures.len() != 1 {
        return ali_error(
            400,
            "MissingParameter",
            "Signature is mandatory for this action.",
        );
    }
    if value("AccessKeyId") != Some(ALI_KEY_ID) {
        return ali_error(
            404,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        );
    }
    if (value("SignatureMethod"), value("SignatureVersion")) != (Some("HMAC-SHA1"), Some("1.0"))
        || value("SignatureNonce").is_none_or(str::is_empty)
    {
        return ali_error(400, "IncompleteSignature", "signature parameters");
    }
    let now = i64::try_from(unix_now()).expect("fits");
    if value("Timestamp")
        .and_then(parse_utc)
        .is_none_or(|t| (t - now).abs() > 31 * 60)
    {
        return ali_error(
            400,
            "IllegalTimestamp",
            "Timestamp is outside the 31-minute window",
        );
    }
    let (_, expected) = rpc_signature(&request.method, &params, ALI_SECRET);
    if signatures[0] != expected {
        return ali_error(
            403,
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        );
    }
    if (value("Action"), value("Version")) != (Some("UnmuteCall"), Some("2020-07-01")) {
        return ali_error(
            404,
            "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.",
        );
    }
    if value("Format") != Some("JSON") {
        return Reply::text(
            200,
            "<?xml version='1.0' encoding='UTF-8'?><UnmuteCallResponse><Code>OK</Code></UnmuteCallResponse>",
        );
    }
    unmute_ok()
}
