//! `POST /v1/reports`: a user reports an address. Stored on this relay only, never forwarded.
//!
//! Reports are the one place the relay stores message text: the messages the user chose to
//! include. None of it (nor the note, nor the addresses) is ever logged.

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::extract::{ApiJson, Authenticated};
use super::keys::parse_target;
use crate::clock::now_ms;
use crate::coordination::Window;
use crate::error_code::ApiError;
use crate::state::RelayState;
use crate::store::{ReportRecord, ReportedMessage};
use isthmus_proto::api::{ReportCreated, ReportRequest};

/// Longest message id accepted, in hex characters (envelope ids are 32).
const MAX_MESSAGE_ID_CHARS: usize = 64;

fn is_hex_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_MESSAGE_ID_CHARS && id.bytes().all(|byte| byte.is_ascii_hexdigit())
}

#[utoipa::path(
    operation_id = "reports_create",
    post,
    path = "/v1/reports",
    tag = "reports",
    summary = "Report an address",
    description = "Stored durably on this relay only and never forwarded. Reports are the one place the relay stores message text (the messages the user chose to include); it is never logged. Operators read them with `isthmus-relay reports`.",
    request_body = api::ReportRequest,
    responses(
        (status = 201, description = "Stored", body = api::ReportCreated),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn create(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(request): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<ReportCreated>), ApiError> {
    let limits = &state.limits;
    let reported = parse_target(&request.address)?;
    if request.note.chars().count() > limits.max_report_note_chars {
        return Err(ApiError::too_large(format!("the note is over {} characters", limits.max_report_note_chars)));
    }
    if request.messages.len() > limits.max_report_messages {
        return Err(ApiError::too_large(format!("at most {} messages per report", limits.max_report_messages)));
    }
    let mut messages = Vec::with_capacity(request.messages.len());
    for message in request.messages {
        if !is_hex_id(&message.id) {
            return Err(ApiError::bad_request("message ids are hex, at most 64 characters"));
        }
        if message.body.chars().count() > limits.max_report_message_chars {
            return Err(ApiError::too_large(format!(
                "a message body is over {} characters",
                limits.max_report_message_chars
            )));
        }
        messages.push(ReportedMessage {
            id: message.id.to_ascii_lowercase(),
            sent_at: message.sent_at,
            body: message.body,
        });
    }
    let reporter = auth.address.name.as_str();
    state.coordination.check(Window::Reports, reporter).await?.map_err(ApiError::rate_limited)?;
    let report = ReportRecord {
        id: hex::encode(rand::random::<[u8; 16]>()),
        reporter: auth.address.account(),
        address: reported.account(),
        reason: request.reason,
        note: request.note,
        messages,
        received_at_ms: now_ms(),
    };
    let id = report.id.clone();
    let included = report.messages.len();
    state.store.add_report(report).await?;
    state.coordination.record(Window::Reports, reporter).await?;
    tracing::info!(messages = included, "report stored");
    Ok((StatusCode::CREATED, Json(ReportCreated { id })))
}
