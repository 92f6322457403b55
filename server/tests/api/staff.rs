//! The staff API: sessions, CSRF, the login rate limit, the authorization matrix over
//! every endpoint × role × district with its audit trail, and deadlines in the inbox.

use std::collections::BTreeMap;

use adal_core::District;
use adal_core::api::Problem;
use adal_core::staff::{
    AccountSummary, AccountsResponse, AuditResponse, CSRF_HEADER, InboxResponse, LoginResponse,
    Role,
};
use reqwest::header::{COOKIE, SET_COOKIE, USER_AGENT};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, complaint, mediation_request, problem, spawn_app, spawn_app_with, submission,
    submission_of, with,
};

pub(crate) const PASSWORD: &str = "a long staff password 1";

/// A logged-in staff member: the cookie the browser would keep, and the CSRF token the
/// app keeps in memory (the helpers' one type of it).
pub(crate) type Session = crate::helpers::StaffSession;

/// Creates an account the way `adal-server user add` does.
pub(crate) fn add_user(app: &TestApp, login: &str, role: Role, district: Option<District>) {
    adal_server::accounts::add_user(app.location(), login, role, district, PASSWORD).unwrap();
}

pub(crate) async fn post_login(app: &TestApp, login: &str, password: &str) -> Response {
    app.client
        .post(app.url("/api/v1/staff/login"))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap()
}

pub(crate) async fn log_in(app: &TestApp, login: &str) -> Session {
    let response = post_login(app, login, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK, "login of {login}");
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let body: LoginResponse = response.json().await.unwrap();
    Session { cookie, csrf: body.csrf_token }
}

/// A staff request as the app sends it: cookie, and the CSRF header on non-GET requests.
pub(crate) async fn send(
    app: &TestApp,
    session: Option<&Session>,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let mut request =
        app.client.request(method.clone(), app.url(path)).header(USER_AGENT, "staff phone");
    if let Some(session) = session {
        request = request.header(COOKIE, &session.cookie);
        if method != Method::GET {
            request = request.header(CSRF_HEADER, &session.csrf);
        }
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap()
}

pub(crate) async fn audit(app: &TestApp, admin: &Session) -> AuditResponse {
    let response =
        send(app, Some(admin), Method::GET, "/api/v1/staff/audit?limit=10000", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// One row of the matrix: an endpoint (with one body), the policy action it is audited
/// under, and whether it concerns a district.
struct Endpoint {
    name: &'static str,
    method: Method,
    /// `{t}` is the tracking number and `{d}` the district code of the target.
    path: &'static str,
    body: Option<Value>,
    action: &'static str,
    district_scoped: bool,
    ok: StatusCode,
    /// Which roles the endpoint is for, in their own district.
    roles: &'static [Role],
}

fn endpoints() -> Vec<Endpoint> {
    use Role::*;
    let event = |name, body: Value, action, roles| Endpoint {
        name,
        method: Method::POST,
        path: "/api/v1/staff/submissions/{t}/events",
        body: Some(body),
        action,
        district_scoped: true,
        ok: StatusCode::CREATED,
        roles,
    };
    let mediation = |name, body: Value, ok| Endpoint {
        name,
        method: Method::POST,
        path: "/api/v1/staff/submissions/{m}/events",
        body: Some(body),
        action: "mediate",
        district_scoped: true,
        ok,
        roles: &[OfficeStaff, Mediator, FrontOffice],
    };
    let report = |name, path, district_scoped| Endpoint {
        name,
        method: Method::GET,
        path,
        body: None,
        action: "read_report",
        district_scoped,
        ok: StatusCode::OK,
        roles: if district_scoped { &[OfficeStaff, Curator, FrontOffice] } else { &[FrontOffice] },
    };
    vec![
        Endpoint {
            name: "me",
            method: Method::GET,
            path: "/api/v1/staff/me",
            body: None,
            action: "",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &Role::ALL,
        },
        Endpoint {
            name: "inbox",
            method: Method::GET,
            path: "/api/v1/staff/inbox?district={d}",
            body: None,
            action: "read_inbox",
            district_scoped: true,
            ok: StatusCode::OK,
            roles: &[OfficeStaff, Mediator, Curator, FrontOffice],
        },
        Endpoint {
            name: "overview",
            method: Method::GET,
            path: "/api/v1/staff/overview",
            body: None,
            action: "read_overview",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &[Curator, FrontOffice],
        },
        Endpoint {
            name: "submission",
            method: Method::GET,
            path: "/api/v1/staff/submissions/{t}",
            body: None,
            action: "read_submission",
            district_scoped: true,
            ok: StatusCode::OK,
            roles: &[OfficeStaff, Mediator, Curator, FrontOffice],
        },
        event("register", json!({ "action": "register" }), "register", &[OfficeStaff, FrontOffice]),
        event(
            "forward",
            json!({ "action": "forward", "reason": "Concerns the district akimat." }),
            "forward",
            &[OfficeStaff, Curator, FrontOffice],
        ),
        event(
            "assign",
            json!({ "action": "assign", "to": "front" }),
            "assign",
            &[OfficeStaff, Curator, FrontOffice],
        ),
        event(
            "answer",
            json!({ "action": "answer", "text": "The school returned the money." }),
            "answer",
            &[OfficeStaff, Mediator, FrontOffice],
        ),
        event("close", json!({ "action": "close" }), "close", &[OfficeStaff, FrontOffice]),
        event(
            "ask_info",
            json!({ "action": "ask_info", "question": "Which class is your child in?" }),
            "ask_info",
            &[OfficeStaff, FrontOffice],
        ),
        event(
            "note",
            json!({ "action": "note", "text": "Called the school; the director is away." }),
            "note",
            &[OfficeStaff, Mediator, Curator, FrontOffice],
        ),
        // The day is filled in per request (each later than the last), below.
        event("extend", Value::Null, "extend", &[OfficeStaff, FrontOffice]),
        Endpoint {
            name: "tasks",
            method: Method::GET,
            path: "/api/v1/staff/tasks?district={d}",
            body: None,
            action: "read_tasks",
            district_scoped: true,
            ok: StatusCode::OK,
            roles: &[Volunteer, OfficeStaff, Curator, FrontOffice],
        },
        // Mediation, on the district's mediation request (`{m}`): each allowed role
        // schedules a session, then records an outcome for one of them; an empty act is
        // refused only after the policy let the request through (422, not 403).
        mediation(
            "schedule_session",
            json!({ "action": "schedule_session", "session": {
            "date": next_week(), "time": "10:00", "place": "Reconciliation centre, room 4",
            "mediator": "A. Serikova" } }),
            StatusCode::CREATED,
        ),
        mediation(
            "record_outcome",
            json!({ "action": "record_outcome", "outcome": "agreed" }),
            StatusCode::CREATED,
        ),
        mediation(
            "sign_act",
            json!({ "action": "sign_act", "act": adal_core::act::ActInput::default() }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Endpoint {
            name: "mediation",
            method: Method::GET,
            path: "/api/v1/staff/submissions/{m}/mediation",
            body: None,
            action: "read_submission",
            district_scoped: true,
            ok: StatusCode::OK,
            roles: &[OfficeStaff, Mediator, Curator, FrontOffice],
        },
        Endpoint {
            name: "act",
            method: Method::GET,
            path: "/api/v1/staff/submissions/{m}/act",
            body: None,
            action: "read_submission",
            district_scoped: true,
            // Allowed, and none signed yet.
            ok: StatusCode::NOT_FOUND,
            roles: &[OfficeStaff, Mediator, Curator, FrontOffice],
        },
        report("report", "/api/v1/staff/reports?period=2026-01-12&district={d}", true),
        report("report_region", "/api/v1/staff/reports?period=2026-01-12", false),
        report("report_csv", "/api/v1/staff/reports.csv?period=2026-01-12&district={d}", true),
        report("published", "/api/v1/staff/reports/published?district={d}", true),
        report("published_all", "/api/v1/staff/reports/published", false),
        Endpoint {
            name: "publish",
            method: Method::POST,
            path: "/api/v1/staff/reports/publish",
            body: None, // the target's district, below
            action: "publish_report",
            district_scoped: true,
            // The first publication is 201, a repeat 200 with the same snapshot.
            ok: StatusCode::OK,
            roles: &[Curator, FrontOffice],
        },
        Endpoint {
            name: "publish_region",
            method: Method::POST,
            path: "/api/v1/staff/reports/publish",
            body: Some(json!({ "period": "2026-01-12" })),
            action: "publish_report",
            district_scoped: false,
            ok: StatusCode::CREATED,
            roles: &[FrontOffice],
        },
        Endpoint {
            name: "users",
            method: Method::POST,
            path: "/api/v1/staff/users",
            body: None, // a fresh login for each request, below
            action: "manage_accounts",
            district_scoped: false,
            ok: StatusCode::CREATED,
            roles: &[Administrator],
        },
        Endpoint {
            name: "users_list",
            method: Method::GET,
            path: "/api/v1/staff/users",
            body: None,
            action: "manage_accounts",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &[Administrator],
        },
        Endpoint {
            name: "user_change",
            method: Method::POST,
            path: "/api/v1/staff/users/volunteer.ura",
            body: Some(json!({ "disabled": false })),
            action: "manage_accounts",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &[Administrator],
        },
        Endpoint {
            name: "calendar",
            method: Method::GET,
            path: "/api/v1/staff/calendar",
            body: None,
            action: "manage_calendar",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &[Administrator],
        },
        Endpoint {
            name: "calendar_year",
            method: Method::PUT,
            path: "/api/v1/staff/calendar/2027",
            body: Some(shipped_year(2027)),
            action: "manage_calendar",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &[Administrator],
        },
        Endpoint {
            name: "audit",
            method: Method::GET,
            path: "/api/v1/staff/audit",
            body: None,
            action: "read_audit",
            district_scoped: false,
            ok: StatusCode::OK,
            roles: &[Administrator],
        },
        Endpoint {
            name: "logout",
            method: Method::POST,
            path: "/api/v1/staff/logout",
            body: None,
            action: "",
            district_scoped: false,
            ok: StatusCode::NO_CONTENT,
            roles: &Role::ALL,
        },
    ]
}

/// A year of the shipped calendar, as an administrator would send it back unchanged.
pub(crate) fn shipped_year(year: i32) -> Value {
    let calendar = adal_core::calendar::Calendar::kazakhstan();
    let year = calendar.years().iter().find(|y| y.year == year).unwrap();
    serde_json::to_value(year).unwrap()
}

/// A week from today, as a session's date.
fn next_week() -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(7)).to_string()
}

fn login_of(role: Role) -> &'static str {
    match role {
        Role::Volunteer => "volunteer.ura",
        Role::OfficeStaff => "staff.ura",
        Role::Mediator => "mediator.ura",
        Role::Curator => "curator.ura",
        Role::FrontOffice => "front",
        Role::Administrator => "admin",
    }
}

#[tokio::test]
async fn every_staff_endpoint_answers_every_role_in_and_out_of_its_district_and_audits_each_refusal()
 {
    // Arrange: one account per role (district roles in Uralsk), a complaint in Uralsk
    // (own district) and one in Terekti (another district). The matrix sends more staff
    // requests at once than an office would: above the staff rate limit.
    let app = spawn_app_with(|config| {
        config.staff_rate_limit_burst = std::num::NonZeroU32::new(100_000).unwrap();
    })
    .await;
    for role in Role::ALL {
        add_user(&app, login_of(role), role, role.has_district().then_some(District::Uralsk));
    }
    let own = app.submit(&submission(complaint())).await;
    let other = app.submit(&submission(with(complaint(), json!({ "district": "TER" })))).await;
    // Extensions must each be later than the last: a day after the answer day, then
    // a day more for each request (they stay within two months).
    let answer_by =
        |received_at| adal_core::calendar::Calendar::kazakhstan().deadlines(received_at).answer_by;
    let mut extensions = BTreeMap::new();
    extensions.insert(own.tracking.clone(), answer_by(own.received_at));
    extensions.insert(other.tracking.clone(), answer_by(other.received_at));
    let (own, other) = (own.tracking, other.tracking);
    let mediation_in = |district: &str| {
        submission_of(
            "mediation_request",
            with(mediation_request(), json!({ "district": district })),
        )
    };
    let own_mediation = app.submit(&mediation_in("URA")).await.tracking;
    let other_mediation = app.submit(&mediation_in("TER")).await.tracking;
    let mut sessions = BTreeMap::new();
    for role in Role::ALL {
        sessions.insert(role, log_in(&app, login_of(role)).await);
    }

    // Act and assert, case by case; logouts come last so the sessions last the matrix.
    let mut cases = 0;
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    let mut refused: BTreeMap<(String, String, Option<String>), usize> = BTreeMap::new();
    let mut new_logins = 0;
    for endpoint in endpoints() {
        let targets: Vec<(&str, &str, &str, bool)> = if endpoint.district_scoped {
            vec![
                (own.as_str(), own_mediation.as_str(), "URA", true),
                (other.as_str(), other_mediation.as_str(), "TER", false),
            ]
        } else {
            vec![("", "", "", true)]
        };
        for (tracking, mediation, district, is_own) in targets {
            let path = endpoint
                .path
                .replace("{t}", tracking)
                .replace("{m}", mediation)
                .replace("{d}", district);
            let actors = std::iter::once(None).chain(Role::ALL.into_iter().map(Some));
            for role in actors {
                let body = match endpoint.name {
                    "users" => {
                        new_logins += 1;
                        Some(json!({
                            "login": format!("new.{new_logins}"),
                            "role": "volunteer",
                            "district": "URA",
                            "password": PASSWORD,
                        }))
                    }
                    "extend" => {
                        let until = extensions.get_mut(tracking).unwrap();
                        *until = until.next_day().unwrap();
                        Some(json!({
                            "action": "extend",
                            "reason": "The school's director is on leave.",
                            "until": until.to_string(),
                        }))
                    }
                    "publish" => Some(json!({ "period": "2026-01-12", "district": district })),
                    _ => endpoint.body.clone(),
                };
                let session = role.map(|role| &sessions[&role]);
                let response =
                    send(&app, session, endpoint.method.clone(), &path, body.as_ref()).await;
                let expected = match role {
                    None => StatusCode::UNAUTHORIZED,
                    // A curator oversees every district: reads another's inbox and
                    // its ordinary items, and acts only in their own.
                    Some(role)
                        if endpoint.roles.contains(&role)
                            && (is_own
                                || role == Role::FrontOffice
                                || (role == Role::Curator
                                    && matches!(
                                        endpoint.action,
                                        "read_inbox" | "read_submission"
                                    ))) =>
                    {
                        endpoint.ok
                    }
                    Some(_) => StatusCode::FORBIDDEN,
                };
                let status = match response.status() {
                    // Publishing: the first time 201, then 200 with the same snapshot.
                    StatusCode::CREATED if endpoint.name == "publish" => StatusCode::OK,
                    status => status,
                };
                assert_eq!(status, expected, "{} {path} as {role:?}", endpoint.name);
                if !status.is_success() {
                    problem(response).await;
                }
                if status == StatusCode::FORBIDDEN {
                    let key = (
                        login_of(role.unwrap()).to_owned(),
                        endpoint.action.to_owned(),
                        endpoint.district_scoped.then(|| district.to_owned()),
                    );
                    *refused.entry(key).or_default() += 1;
                }
                cases += 1;
                *by_status.entry(status.as_u16()).or_default() += 1;
            }
        }
    }

    // Every 403 is in the audit log, with who, what and where; and nothing else is denied.
    let admin = log_in(&app, "admin").await;
    let entries = audit(&app, &admin).await.entries;
    let mut denied: BTreeMap<(String, String, Option<String>), usize> = BTreeMap::new();
    for entry in entries.iter().filter(|e| e.outcome == "denied") {
        // The device is a hash of the User-Agent, never the header itself.
        assert!(entry.device.as_deref().is_some_and(|d| d.len() == 64), "{entry:?}");
        let key = (
            entry.login.clone().unwrap(),
            entry.action.clone(),
            entry.district.map(|d| d.code().to_owned()),
        );
        *denied.entry(key).or_default() += 1;
    }
    assert_eq!(denied, refused);
    let forbidden = by_status.get(&403).copied().unwrap_or(0);
    println!(
        "authz matrix: {cases} cases ({} endpoints, {} roles + unauthenticated, own and other \
         district where scoped); statuses {by_status:?}; {forbidden} refusals, all audited",
        endpoints().len(),
        Role::ALL.len(),
    );
    assert_eq!(cases, 20 * 2 * 7 + 12 * 7);
}

#[tokio::test]
async fn a_state_changing_request_without_the_csrf_token_is_refused_and_audited() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "admin", Role::Administrator, None);
    let tracking = app.submit(&submission(complaint())).await.tracking;
    let session = log_in(&app, "staff.ura").await;
    let path = format!("/api/v1/staff/submissions/{tracking}/events");

    let without = app
        .client
        .post(app.url(&path))
        .header(COOKIE, &session.cookie)
        .json(&json!({ "action": "register" }))
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    assert_eq!(problem(without).await.code.as_str(), "csrf_rejected");
    let wrong = app
        .client
        .post(app.url(&path))
        .header(COOKIE, &session.cookie)
        .header(CSRF_HEADER, "0".repeat(64))
        .json(&json!({ "action": "register" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let logout = app
        .client
        .post(app.url("/api/v1/staff/logout"))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::FORBIDDEN);

    // Nothing was recorded, and the three refusals are in the log.
    let admin = log_in(&app, "admin").await;
    let entries = audit(&app, &admin).await.entries;
    let rejected = entries.iter().filter(|e| e.outcome == "csrf_rejected").count();
    assert_eq!(rejected, 3);
    assert!(!entries.iter().any(|e| e.action == "register"));

    // With the token it works; after logout the cookie opens nothing.
    let with_token =
        send(&app, Some(&session), Method::POST, &path, Some(&json!({ "action": "register" })))
            .await;
    assert_eq!(with_token.status(), StatusCode::CREATED);
    let out = send(&app, Some(&session), Method::POST, "/api/v1/staff/logout", None).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let me = send(&app, Some(&session), Method::GET, "/api/v1/staff/me", None).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn failed_logins_are_limited_per_address_and_login_and_refused_alike_for_unknown_logins_and_wrong_passwords()
 {
    let app = spawn_app_with(|config| {
        config.login_limits.failures_per_address_and_login = std::num::NonZeroU32::new(3).unwrap();
    })
    .await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));

    let unknown = problem(post_login(&app, "nobody", PASSWORD).await).await;
    let wrong = problem(post_login(&app, "staff.ura", "a wrong password 12").await).await;
    // Alike but for the id of each request.
    assert_ne!(unknown.request_id, wrong.request_id);
    let unknown = Problem { request_id: None, ..unknown };
    let wrong = Problem { request_id: None, ..wrong };
    assert_eq!(unknown, wrong);
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.code.as_str(), "login_failed");
    for _ in 0..2 {
        assert_eq!(post_login(&app, "staff.ura", "a wrong password 12").await.status(), 401);
    }
    // The fourth attempt is refused before the password is even looked at.
    let limited = post_login(&app, "staff.ura", PASSWORD).await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));
    // Another login from the same address still gets its attempts.
    add_user(&app, "staff.ura2", Role::OfficeStaff, Some(District::Uralsk));
    log_in(&app, "staff.ura2").await;
}

#[tokio::test]
async fn failed_logins_are_limited_per_address() {
    let app = spawn_app_with(|config| {
        config.login_limits.failures_per_ip = std::num::NonZeroU32::new(2).unwrap();
    })
    .await;
    assert_eq!(post_login(&app, "one", PASSWORD).await.status(), 401);
    assert_eq!(post_login(&app, "two", PASSWORD).await.status(), 401);
    assert_eq!(post_login(&app, "three", PASSWORD).await.status(), 429);
}

/// Found by schemathesis: the 201 said only login and role, while the document (and the
/// list of accounts) promise the whole account.
#[tokio::test]
async fn a_new_account_is_answered_as_the_list_of_accounts_shows_it() {
    let app = spawn_app().await;
    add_user(&app, "admin", Role::Administrator, None);
    let admin = log_in(&app, "admin").await;
    let body = json!({
        "login": "office.ter", "role": "office_staff", "district": "TER",
        "password": "zebra-quartz-lantern-4471",
    });

    let created = send(&app, Some(&admin), Method::POST, "/api/v1/staff/users", Some(&body)).await;

    assert_eq!(created.status(), StatusCode::CREATED);
    let created: AccountSummary = created.json().await.unwrap();
    let listed: AccountsResponse =
        send(&app, Some(&admin), Method::GET, "/api/v1/staff/users", None)
            .await
            .json()
            .await
            .unwrap();
    let listed = listed.accounts.into_iter().find(|a| a.login == "office.ter").unwrap();
    assert_eq!(created, listed);
    assert!(!created.disabled);
}

#[tokio::test]
async fn passwords_are_never_stored_in_the_clear() {
    let app = spawn_app().await;
    add_user(&app, "admin", Role::Administrator, None);
    let admin = log_in(&app, "admin").await;
    let created_password = "zebra-quartz-lantern-4471";
    let body = json!({
        "login": "curator.ter", "role": "curator", "district": "TER", "password": created_password,
    });
    let created = send(&app, Some(&admin), Method::POST, "/api/v1/staff/users", Some(&body)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let again = send(&app, Some(&admin), Method::POST, "/api/v1/staff/users", Some(&body)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let curator = app
        .client
        .post(app.url("/api/v1/staff/login"))
        .json(&json!({ "login": "curator.ter", "password": created_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(curator.status(), StatusCode::OK);

    // Every byte of the data directory (database, WAL, attachments): no password, no
    // session token, no CSRF token.
    let csrf = curator.json::<LoginResponse>().await.unwrap().csrf_token;
    let token = admin.cookie.split_once('=').unwrap().1.to_owned();
    // On PostgreSQL: every row of every table.
    let rows = app.postgres_rows();
    for secret in [PASSWORD, created_password, token.as_str(), csrf.as_str(), admin.csrf.as_str()] {
        assert!(rows.iter().all(|row| !row.contains(secret)), "a row holds a secret");
    }
    if crate::helpers::on_postgres() {
        assert!(rows.len() > 10, "every table was read");
        return;
    }
    let mut files = vec![app.data_dir.path().to_owned()];
    let mut scanned = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for secret in
            [PASSWORD, created_password, token.as_str(), csrf.as_str(), admin.csrf.as_str()]
        {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "{} holds a secret", path.display());
        }
        scanned += 1;
    }
    assert!(scanned >= 1);
}

#[tokio::test]
async fn the_inbox_counts_deadlines_on_the_real_calendar_and_lists_what_is_due_first() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    // Arrange with the library: the API stamps submissions with today's clock, and these
    // must be received on given days of 2026.
    let db = app.db();
    let store = |id: u128, received_at: time::OffsetDateTime| {
        let new = adal_server::db::submissions::NewSubmission {
            id: uuid::Uuid::from_u128(id),
            fingerprint: format!("{id}"),
            form: adal_core::api::FormRef::new("complaint", 2),
            district: District::Uralsk,
            answers: r#"{"district":"URA"}"#.into(),
            received_at,
            attachments: Vec::new(),
            receipt_secret_sha256: None,
            anonymous: false,
            triage: Default::default(),
        };
        db.call_blocking(|conn| adal_server::db::submissions::store(conn, &new)).unwrap();
    };
    // 18:30 in Uralsk on Friday 20 March 2026: registered Thursday 26 March (after
    // Nauryz), answer by Thursday 16 April.
    store(1, time::macros::datetime!(2026-03-20 13:30 UTC));
    // 10:00 the same Friday: registered that day, answer by Wednesday 15 April, forward
    // by Monday 30 March, extended answer by Wednesday 20 May.
    store(2, time::macros::datetime!(2026-03-20 05:00 UTC));
    // Monday 31 August 2026 (a working day): answer by Monday 21 September.
    store(3, time::macros::datetime!(2026-08-31 04:00 UTC));

    let session = log_in(&app, "staff.ura").await;
    let response = send(&app, Some(&session), Method::GET, "/api/v1/staff/inbox", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let json: Value = response.json().await.unwrap();
    let items = json["items"].as_array().unwrap();
    let due: Vec<_> = items.iter().map(|i| i["deadlines"]["answer_by"].as_str().unwrap()).collect();
    assert_eq!(due, ["2026-04-15", "2026-04-16", "2026-09-21"]);
    let first = &items[0]["deadlines"];
    assert_eq!(first["registered_on"], "2026-03-20");
    assert_eq!(first["forward_by"], "2026-03-30");
    assert_eq!(first["extended_answer_by"], "2026-05-20");
    assert_eq!(first["provisional"], false);
    assert_eq!(items[1]["deadlines"]["registered_on"], "2026-03-26");
    let inbox: InboxResponse = serde_json::from_value(json).unwrap();
    assert_eq!(inbox.district, District::Uralsk);
    assert!(inbox.items.iter().all(|i| i.status == adal_core::receipt::EventKind::Received));

    // Answered items go below the open ones.
    let path = format!("/api/v1/staff/submissions/{}/events", inbox.items[0].tracking);
    let answer = json!({ "action": "answer", "text": "Resolved." });
    assert_eq!(send(&app, Some(&session), Method::POST, &path, Some(&answer)).await.status(), 201);
    let inbox: InboxResponse = send(&app, Some(&session), Method::GET, "/api/v1/staff/inbox", None)
        .await
        .json()
        .await
        .unwrap();
    let due: Vec<_> = inbox.items.iter().map(|i| i.deadlines.answer_by.to_string()).collect();
    assert_eq!(due, ["2026-04-16", "2026-09-21", "2026-04-15"]);
}

#[tokio::test]
async fn forwarding_to_another_district_moves_the_submission_into_that_districts_inbox() {
    let app = spawn_app().await;
    add_user(&app, "staff.ura", Role::OfficeStaff, Some(District::Uralsk));
    add_user(&app, "staff.ter", Role::OfficeStaff, Some(District::Terekti));
    let tracking = app.submit(&submission(complaint())).await.tracking;
    let ura = log_in(&app, "staff.ura").await;
    let ter = log_in(&app, "staff.ter").await;
    let events = format!("/api/v1/staff/submissions/{tracking}/events");
    let forward =
        json!({ "action": "forward", "reason": "The school is in Terekti.", "to": "TER" });
    assert_eq!(send(&app, Some(&ura), Method::POST, &events, Some(&forward)).await.status(), 201);

    let view = format!("/api/v1/staff/submissions/{tracking}");
    assert_eq!(send(&app, Some(&ura), Method::GET, &view, None).await.status(), 403);
    let seen: Value = send(&app, Some(&ter), Method::GET, &view, None).await.json().await.unwrap();
    assert_eq!(seen["district"], "TER");
    assert_eq!(seen["answers"]["name"], "Aigerim S.");
    let timeline: Vec<_> =
        seen["timeline"].as_array().unwrap().iter().map(|e| e["kind"].clone()).collect();
    assert_eq!(timeline, [json!("received"), json!("forwarded")]);

    // Assigning to someone of another district is refused; to a colleague, accepted.
    let assign_ura = json!({ "action": "assign", "to": "staff.ura" });
    assert_eq!(
        send(&app, Some(&ter), Method::POST, &events, Some(&assign_ura)).await.status(),
        400
    );
    let assign_ter = json!({ "action": "assign", "to": "staff.ter" });
    assert_eq!(
        send(&app, Some(&ter), Method::POST, &events, Some(&assign_ter)).await.status(),
        201
    );
    let empty = json!({ "action": "answer", "text": "   " });
    assert_eq!(send(&app, Some(&ter), Method::POST, &events, Some(&empty)).await.status(), 400);
    let unknown = "/api/v1/staff/submissions/URA-2026-99999";
    assert_eq!(send(&app, Some(&ter), Method::GET, unknown, None).await.status(), 404);
}
