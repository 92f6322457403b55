//! What the real binary writes to its log: the request id that leads from a citizen's
//! screen to the line, and never what a person typed.

use adal_core::Iin;
use adal_core::api::Problem;
use adal_core::receipt::RECEIPT_SECRET_HEADER;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{complaint, mediation_request, submission, submission_of, with};
use crate::process::{ServerProcess, run};

/// `n` lowercase letters no other run of the test will make.
fn letters(n: usize) -> String {
    let random = Uuid::new_v4().simple().to_string() + &Uuid::new_v4().simple().to_string();
    random.bytes().take(n).map(|b| (b'a' + b % 26) as char).collect()
}

/// `n` random digits.
fn digits(n: usize) -> String {
    let random = Uuid::new_v4().as_u128();
    (0..n).map(|i| char::from(b'0' + (random >> (i * 4) & 0xf) as u8 % 10)).collect()
}

/// A valid IIN of a man born on 1 January 1990 with a random serial number.
fn unique_iin() -> String {
    loop {
        let first = format!("9001013{}", digits(4));
        if let Some(iin) = (0..10).map(|d| format!("{first}{d}")).find(|c| Iin::parse(c).is_ok()) {
            return iin;
        }
    }
}

#[tokio::test]
async fn the_request_id_of_a_problem_leads_to_its_json_log_line() {
    let data = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(data.path(), "info", &["--log-format", "json"]);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();

    let response = client
        .post(server.url("/api/v1/submissions"))
        .json(&json!({ "not": "a submission" }))
        .send()
        .await
        .unwrap();
    let header = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let problem: Problem = response.json().await.unwrap();
    let status = server.stop();
    assert!(status.success(), "{status}:\n{}", server.output());

    assert_eq!(problem.request_id.as_deref(), Some(header.as_str()));
    let output = server.output();
    let lines: Vec<Value> = output
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("each log line is a JSON object"))
        .filter(|line: &Value| line["span"]["request_id"] == header.as_str())
        .collect();
    let refused = lines
        .iter()
        .find(|line| line["fields"]["message"] == "request refused")
        .unwrap_or_else(|| panic!("no line of request {header}:\n{output}"));
    assert_eq!(refused["fields"]["code"], "malformed_request");
    assert_eq!(refused["span"]["path"], "/api/v1/submissions");
    assert!(lines.iter().any(|line| line["fields"]["status"] == 400), "{output}");
}

/// A complaint, a mediation request, a refused complaint and a staff member's logins,
/// each with personal data no log may hold; returns that data and the tracking numbers.
async fn personal_traffic(
    server: &ServerProcess,
    staff: (&str, &str),
) -> (Vec<String>, Vec<String>) {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let name = format!("Zhanar {}", letters(10));
    let phone = format!("701{}", digits(7));
    let description = format!("Parents were asked for money, see {}.", letters(12));
    let iin = unique_iin();
    // A formal appeal's own IIN and postal address (APC Art. 63).
    let complainant_iin = unique_iin();
    let address = format!("090000, Uralsk, {} 12-5", letters(10));
    let applicant = format!("Bolat {}", letters(10));
    let wrong_password = format!("not-it-{}", letters(12));
    let typed_as_login = format!("pw{}", letters(12));
    let secret = format!("secret{}", letters(30));

    let named = submission(with(
        complaint(),
        json!({ "name": name, "phone": format!("+7 {phone}"), "description": description,
                "iin": complainant_iin, "postal_address": address }),
    ));
    let named = adal_core::api::SubmissionRequest {
        receipt_secret: Some(adal_core::receipt::ReceiptSecret::parse(&secret).unwrap()),
        ..named
    };
    let mediation = submission_of(
        "mediation_request",
        with(mediation_request(), json!({ "applicant_iin": iin, "applicant_name": applicant })),
    );
    let refused = submission(with(complaint(), json!({ "name": name, "phone": "12" })));
    let mut trackings = Vec::new();
    for request in [&named, &mediation] {
        let response =
            client.post(server.url("/api/v1/submissions")).json(request).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let receipt: adal_core::api::Receipt = response.json().await.unwrap();
        trackings.push(receipt.tracking);
    }
    let response =
        client.post(server.url("/api/v1/submissions")).json(&refused).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let status = client
        .get(server.url(&format!("/api/v1/submissions/{}", trackings[0])))
        .header(RECEIPT_SECRET_HEADER, &secret)
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), StatusCode::OK);

    let (login, password) = staff;
    for (login, password, expected) in [
        (login, wrong_password.as_str(), StatusCode::UNAUTHORIZED),
        (typed_as_login.as_str(), password, StatusCode::UNAUTHORIZED),
        (login, password, StatusCode::OK),
    ] {
        let response = client
            .post(server.url("/api/v1/staff/login"))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
        if expected != StatusCode::OK {
            continue;
        }
        let cookie = response.headers()["set-cookie"].to_str().unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let read = client
            .get(server.url(&format!("/api/v1/staff/submissions/{}", trackings[0])))
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(read.status(), StatusCode::OK);
        assert!(read.text().await.unwrap().contains(&name), "staff read the complaint");
    }
    let personal = vec![
        name,
        phone.clone(),
        format!("+7{phone}"),
        format!("{} {} {}", &phone[..3], &phone[3..6], &phone[6..]),
        description,
        iin,
        complainant_iin,
        address,
        applicant,
        wrong_password,
        typed_as_login,
        password.to_owned(),
        secret,
    ];
    (personal, trackings)
}

#[tokio::test]
async fn no_personal_data_reaches_the_log_at_the_production_level_nor_at_debug() {
    for (level, format) in [("info", "json"), ("debug", "text")] {
        let data = tempfile::tempdir().unwrap();
        let login = format!("staff.{}", letters(6));
        let password = format!("staff password {}", letters(16));
        let add = ["user", "add", "--role", "office_staff", "--district", "URA", "--login", &login];
        let (added, _, stderr) = run(&add, data.path(), &format!("{password}\n"));
        assert!(added.success(), "{stderr}");
        let mut server = ServerProcess::start(data.path(), level, &["--log-format", format]);

        let (personal, trackings) = personal_traffic(&server, (&login, &password)).await;
        assert!(server.stop().success());

        let output = server.output();
        for secret in &personal {
            assert!(!output.contains(secret.as_str()), "{secret:?} logged at {level}:\n{output}");
        }
        // The log is not empty: it names requests, refusals and the tracking numbers.
        assert!(output.contains("request refused") && output.contains("login_failed"), "{output}");
        assert!(output.contains(&trackings[0]), "{output}");
        if level == "debug" {
            assert!(output.contains("group committed"), "debug lines are written:\n{output}");
        }
    }
}
