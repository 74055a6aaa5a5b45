//! Bytes as a response body of every endpoint of the generated `tencent_im_desk` client (statuses
//! 200, 400 and 500) and as one of its event frames. The endpoint list is found by `build.rs`.
#![no_main]

use switchboard_fuzz::client;

include!(concat!(env!("OUT_DIR"), "/client_tencent_im_desk.rs"));
