//! The security review's findings 5–10, 12 and 13 (issue 12), each as an attacker or a
//! user would observe it: slow and greedy connections, hostile periods and paths,
//! forwarded addresses, lockouts, the last administrator, the audit log's size, abandoned
//! uploads, and the headers of refusals and personal answers.

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use adal_core::District;
use adal_core::api::ProblemCode;
use adal_core::attachment::PART_SIZE;
use adal_core::receipt::RECEIPT_SECRET_HEADER;
use adal_core::staff::Role;
use reqwest::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, RETRY_AFTER, STRICT_TRANSPORT_SECURITY};
use reqwest::{Method, Response, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

use crate::attachments::{completion, photo_bytes};
use crate::helpers::{
    TestApp, complaint, problem, spawn_app_with, spawn_staff_app, submission, tiny_rate_limit,
};
use crate::staff::{PASSWORD, add_user, audit, log_in, send};

/// The `host:port` of the app, for raw TCP clients.
fn socket_of(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or resets it); `None` if it is still
/// open after `wait`. What was read comes back with the time it took.
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let closed = tokio::time::timeout(wait, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    closed.ok().map(|()| String::from_utf8_lossy(&answer).into_owned())
}

/// The app behind a trusted proxy at 127.0.0.1 (the tests' own address), as with
/// `--behind-proxy 127.0.0.1/32`.
fn behind_proxy(config: &mut adal_server::Config) {
    config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
}

// Finding 5: slowloris.

#[tokio::test]
async fn a_client_that_sends_half_its_headers_and_then_nothing_is_disconnected() {
    let app =
        spawn_app_with(|config| config.header_read_timeout = Duration::from_millis(300)).await;
    let mut stream = TcpStream::connect(socket_of(&app)).await.unwrap();
    let started = Instant::now();

    stream.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: adal\r\nX-Slow: ").await.unwrap();
    let closed = read_until_closed(&mut stream, Duration::from_secs(5)).await;

    assert!(closed.is_some(), "the half-sent request still holds its connection");
    assert!(started.elapsed() >= Duration::from_millis(250), "closed only after the timeout");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408_and_its_connection_closed() {
    let app = spawn_app_with(|config| config.body_read_timeout = Duration::from_millis(300)).await;
    let mut stream = TcpStream::connect(socket_of(&app)).await.unwrap();

    let head = "POST /api/v1/submissions HTTP/1.1\r\nHost: adal\r\n\
        Content-Type: application/json\r\nContent-Length: 1000\r\nAccept-Language: en\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(br#"{"id": "#).await.unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;

    let answer = answer.expect("the stalled body still holds its connection");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains(r#""code":"request_timeout""#), "{answer}");
}

#[tokio::test]
async fn a_connection_past_the_cap_of_one_address_is_closed_while_the_others_still_work() {
    let app = spawn_app_with(|config| config.max_connections_per_ip = 3).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(socket_of(&app)).await.unwrap());
    }
    // Let the server accept them before the one too many.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let mut refused = TcpStream::connect(socket_of(&app)).await.unwrap();
    let _ = refused.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: adal\r\n\r\n").await;
    let answer = read_until_closed(&mut refused, Duration::from_secs(3)).await;
    assert_eq!(answer.as_deref(), Some(""), "closed at once, without an answer");

    let first = &mut held[0];
    first.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: adal\r\n\r\n").await.unwrap();
    let mut buffer = [0u8; 12];
    first.read_exact(&mut buffer).await.unwrap();
    assert_eq!(&buffer, b"HTTP/1.1 200");

    // A connection given back frees its slot.
    held.pop();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut again = TcpStream::connect(socket_of(&app)).await.unwrap();
    again.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: adal\r\n\r\n").await.unwrap();
    again.read_exact(&mut buffer).await.unwrap();
    assert_eq!(&buffer, b"HTTP/1.1 200");
}

// Finding 6: 500s on hostile periods and paths.

#[tokio::test]
async fn a_report_period_far_in_the_future_or_past_is_a_400_problem_that_says_why() {
    let app = spawn_staff_app().await;
    for period in ["9999-12-31", "-9999-01-01", "2101-01-01", "1999-12-31"] {
        for path in ["/api/v1/staff/reports", "/api/v1/staff/reports.csv"] {
            let response = app.staff_get(&format!("{path}?period={period}")).await;

            let problem = problem(response).await;
            assert_eq!(problem.status, 400, "{path} {period}");
            assert_eq!(problem.code, ProblemCode::MalformedRequest);
            assert!(problem.detail.as_deref().unwrap().contains("2000 to 2100"), "{problem:?}");
        }
    }
}

#[tokio::test]
async fn a_static_path_too_long_for_the_file_system_is_a_400_problem() {
    let app = spawn_app_with(|_| {}).await;
    let long_name = "a".repeat(256);
    let long_path = format!("/{}", vec!["b".repeat(200); 6].join("/"));
    for path in [format!("/{long_name}"), format!("/{long_name}.js"), long_path] {
        let response = app.get(&path).await;

        let problem = problem(response).await;
        assert_eq!(problem.status, 400, "{}", path.len());
        assert!(problem.detail.as_deref().unwrap().contains("at most"), "{problem:?}");
    }
    // A name of 255 bytes is only a missing page.
    assert_eq!(app.get(&format!("/{}", "a".repeat(255))).await.status(), StatusCode::OK);
}

// Finding 7: the client behind a trusted proxy.

async fn submit_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    app.client
        .post(app.url("/api/v1/submissions"))
        .header("x-forwarded-for", forwarded_for)
        .json(&submission(complaint()))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_a_limit_of_its_own() {
    let app = spawn_app_with(|config| {
        tiny_rate_limit(2)(config);
        behind_proxy(config);
    })
    .await;
    for _ in 0..2 {
        assert_eq!(submit_from(&app, "203.0.113.1").await, StatusCode::CREATED);
    }
    assert_eq!(submit_from(&app, "203.0.113.1").await, StatusCode::TOO_MANY_REQUESTS);

    // Another client behind the same proxy; a forged entry left of the proxy's is ignored.
    assert_eq!(submit_from(&app, "203.0.113.1, 203.0.113.2").await, StatusCode::CREATED);
}

#[tokio::test]
async fn without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_limit() {
    let app = spawn_app_with(tiny_rate_limit(2)).await;
    for _ in 0..2 {
        assert_eq!(submit_from(&app, "203.0.113.1").await, StatusCode::CREATED);
    }
    assert_eq!(submit_from(&app, "203.0.113.2").await, StatusCode::TOO_MANY_REQUESTS);
}

// Finding 8: lockout by a stranger.

async fn log_in_from(app: &TestApp, address: &str, login: &str, password: &str) -> Response {
    app.client
        .post(app.url("/api/v1/staff/login"))
        .header("x-forwarded-for", address)
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stranger_guessing_a_password_is_refused_and_its_owner_still_logs_in_from_elsewhere() {
    let app = spawn_app_with(behind_proxy).await;
    add_user(&app, "alice", Role::OfficeStaff, Some(District::Uralsk));

    let mut failures = 0;
    loop {
        let response = log_in_from(&app, "198.51.100.66", "alice", "a wrong password 12").await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers()[RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() >= 1);
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        failures += 1;
        assert!(failures < 50, "the guessing is never refused");
    }
    // The stranger is refused even with the right password now.
    let stranger = log_in_from(&app, "198.51.100.66", "alice", PASSWORD).await;
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);

    let alice = log_in_from(&app, "203.0.113.10", "alice", PASSWORD).await;

    assert_eq!(alice.status(), StatusCode::OK);
}

// Finding 9: the last administrator.

#[tokio::test]
async fn the_last_active_administrator_can_be_neither_demoted_nor_disabled() {
    let app = spawn_app_with(|_| {}).await;
    add_user(&app, "admin.one", Role::Administrator, None);
    add_user(&app, "admin.two", Role::Administrator, None);
    let one = log_in(&app, "admin.one").await;
    let change = |login: &str| format!("/api/v1/staff/users/{login}");
    let demote = json!({ "role": "front_office" });

    // While another administrator is active, one may go.
    let disabled = send(
        &app,
        Some(&one),
        Method::POST,
        &change("admin.two"),
        Some(&json!({"disabled": true})),
    )
    .await;
    assert_eq!(disabled.status(), StatusCode::OK);

    for lang in ["kk", "ru", "en"] {
        let refused = app
            .client
            .post(app.url(&change("admin.one")))
            .header(reqwest::header::COOKIE, &one.cookie)
            .header(adal_core::staff::CSRF_HEADER, &one.csrf)
            .header(ACCEPT_LANGUAGE, lang)
            .json(&demote)
            .send()
            .await
            .unwrap();
        let problem = problem(refused).await;
        assert_eq!(problem.status, 409);
        assert_eq!(problem.code, ProblemCode::LastAdministrator);
        let expected =
            ProblemCode::LastAdministrator.title(adal_core::Lang::from_tag(lang).unwrap());
        assert_eq!(problem.title, expected);
    }
    let users = send(&app, Some(&one), Method::GET, "/api/v1/staff/users", None).await;
    let users: adal_core::staff::AccountsResponse = users.json().await.unwrap();
    let me = users.accounts.iter().find(|a| a.login == "admin.one").unwrap();
    assert_eq!(me.role, Role::Administrator, "the refused change left the account alone");

    // Once there is another, the first may step down.
    let enabled = send(
        &app,
        Some(&one),
        Method::POST,
        &change("admin.two"),
        Some(&json!({"disabled": false})),
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    let stepped_down =
        send(&app, Some(&one), Method::POST, &change("admin.one"), Some(&demote)).await;
    assert_eq!(stepped_down.status(), StatusCode::OK);
}

// Finding 10: attacker-sized text in the audit log, and staff endpoints' rate limit.

#[tokio::test]
async fn an_attacker_sized_login_never_lands_whole_in_the_audit_log() {
    let app = spawn_app_with(|_| {}).await;
    add_user(&app, "admin", Role::Administrator, None);
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    let intruder = log_in(&app, "staff.ura").await;
    let huge = "x".repeat(60_000);

    let body = json!({ "login": huge, "role": "administrator", "password": PASSWORD });
    let refused =
        send(&app, Some(&intruder), Method::POST, "/api/v1/staff/users", Some(&body)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let admin = log_in(&app, "admin").await;
    let entries = audit(&app, &admin).await.entries;
    let denied = entries.iter().find(|e| e.outcome == "denied").expect("the refusal is audited");
    let target = denied.target.as_deref().unwrap();
    assert!(target.chars().count() < 200, "{} characters", target.chars().count());
    assert!(target.starts_with("xxxxxxxx") && target.contains("60000"), "{target}");
}

#[tokio::test]
async fn staff_endpoints_are_rate_limited_per_address_with_a_problem() {
    let app = spawn_app_with(|config| {
        config.staff_rate_limit_burst = NonZeroU32::new(3).unwrap();
        config.staff_rate_limit_per_second = NonZeroU32::new(1).unwrap();
    })
    .await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/staff/me").await.status(), StatusCode::UNAUTHORIZED);
    }

    let limited = app.get("/api/v1/staff/me").await;

    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers()[RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(problem(limited).await.code, ProblemCode::RateLimited);
}

// Finding 12: abandoned uploads.

#[tokio::test]
async fn unfinished_uploads_expire_and_start_again_from_part_zero() {
    let app = spawn_app_with(|config| config.upload_expiry = Duration::from_millis(500)).await;
    let bytes = photo_bytes(2 * PART_SIZE, 7);
    let id = Uuid::new_v4();
    for n in 0..2 {
        let part = bytes[n * PART_SIZE as usize..][..PART_SIZE as usize].to_vec();
        assert_eq!(app.put_part(id, n as u32, part).await.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(app.upload_status(id).await.received_parts, [0, 1]);

    tokio::time::sleep(Duration::from_millis(1500)).await;

    assert!(app.upload_status(id).await.received_parts.is_empty(), "the parts are gone");
    let complete = app.complete_upload(id, &completion(&bytes)).await;
    assert_eq!(complete.status(), StatusCode::CONFLICT, "nothing left to assemble");
}

#[tokio::test]
async fn an_address_holding_too_many_unfinished_uploads_is_refused_until_one_finishes() {
    let app = spawn_app_with(|config| {
        config.max_unfinished_uploads_per_ip = 2;
        config.max_unfinished_upload_bytes_per_ip = PART_SIZE + PART_SIZE / 2;
    })
    .await;
    let small = photo_bytes(1000, 1);
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    assert_eq!(app.put_part(first, 0, small.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.put_part(second, 0, small.clone()).await.status(), StatusCode::NO_CONTENT);

    let third = app.put_part_in("en", Uuid::new_v4(), 0, small.clone()).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(third.headers()[RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    let refused = problem(third).await;
    assert_eq!(refused.code, ProblemCode::TooManyUploads);
    assert!(refused.detail.unwrap().contains("2 unfinished uploads"));

    // Too many bytes: a second full part of an upload that holds one.
    let big = photo_bytes(PART_SIZE, 2);
    let response = app.put_part(second, 1, big.clone()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let over = app.put_part(first, 1, big).await;
    assert_eq!(problem(over).await.code, ProblemCode::TooManyUploads);

    // A finished upload no longer counts.
    let done = app.complete_upload(first, &completion(&small)).await;
    assert_eq!(done.status(), StatusCode::OK);
    assert_eq!(app.put_part(Uuid::new_v4(), 0, small).await.status(), StatusCode::NO_CONTENT);
}

// Finding 13: Retry-After, no-store, HSTS and the directory's limit.

#[tokio::test]
async fn a_429_never_asks_to_retry_after_zero_seconds() {
    // Two requests a second: every wait is under a second, which rounds down to 0.
    let app = spawn_app_with(|config| {
        config.rate_limit_burst = NonZeroU32::new(1).unwrap();
        config.rate_limit_per_second = NonZeroU32::new(2).unwrap();
    })
    .await;
    assert_eq!(app.post_submission(&submission(complaint())).await.status(), StatusCode::CREATED);

    let limited = app.post_submission(&submission(complaint())).await;

    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()[RETRY_AFTER], "1");
}

#[tokio::test]
async fn staff_answers_and_receipts_are_never_kept_by_a_cache() {
    let app = spawn_staff_app().await;
    let receipt = app.submit(&submission(complaint())).await;

    let inbox = app.staff_get("/api/v1/staff/inbox?district=URA").await;
    let item = app.staff_get(&format!("/api/v1/staff/submissions/{}", receipt.tracking)).await;
    let anonymous = app.staff_get_as(None, "/api/v1/staff/me").await;
    let wrong_secret = app
        .client
        .get(app.url(&format!("/api/v1/submissions/{}", receipt.tracking)))
        .header(RECEIPT_SECRET_HEADER, "not the secret")
        .send()
        .await
        .unwrap();

    assert_eq!(inbox.status(), StatusCode::OK);
    assert_eq!(item.status(), StatusCode::OK);
    for response in [inbox, item, anonymous, wrong_secret] {
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store", "{}", response.url());
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_a_trusted_proxy_says_the_request_came_over_https() {
    let trusted = spawn_app_with(behind_proxy).await;
    let untrusted = spawn_app_with(|_| {}).await;
    let health = |app: &TestApp, proto: Option<&str>| {
        let mut request = app.client.get(app.url("/api/v1/health"));
        if let Some(proto) = proto {
            request = request.header("x-forwarded-proto", proto);
        }
        request.send()
    };

    let https = health(&trusted, Some("https")).await.unwrap();
    let http = health(&trusted, Some("http")).await.unwrap();
    let none = health(&trusted, None).await.unwrap();
    let forged = health(&untrusted, Some("https")).await.unwrap();

    assert_eq!(https.headers()[STRICT_TRANSPORT_SECURITY], "max-age=31536000");
    for response in [http, none, forged] {
        assert!(!response.headers().contains_key(STRICT_TRANSPORT_SECURITY));
    }
}

#[tokio::test]
async fn the_directory_is_rate_limited_per_address() {
    let app = spawn_app_with(tiny_rate_limit(2)).await;
    for _ in 0..2 {
        assert_eq!(app.get("/api/v1/directory").await.status(), StatusCode::OK);
    }

    let limited = app.get("/api/v1/directory").await;

    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers()[RETRY_AFTER].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(problem(limited).await.code, ProblemCode::RateLimited);
}
