//! Open311 GeoReport v2 (`/open311/v2/`), through HTTP on the real server, with the
//! specification's example requests adapted to Adal's services.

use adal_core::form::{self, FieldKind};
use adal_core::open311::{self, Carried};
use adal_core::receipt::{EventKind, RECEIPT_SECRET_HEADER};
use adal_core::staff::Role;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, CONTENT_TYPE};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{StaffSession, TestApp, spawn_app, spawn_staff_app};

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const SECRET: &str = "0123456789abcdef0123456789abcdef";

// What the person writes in the example request: none of it may ever come back from a
// `GET requests`.
const DESCRIPTION: &str = "A teacher asked every parent for 7300 tenge for new curtains.";
const FIRST_NAME: &str = "Zhanargul";
const LAST_NAME: &str = "Tleuova";
const PHONE: &str = "+7 701 765 43 21";
const PHONE_STORED: &str = "+77017654321";
const EMAIL: &str = "zhanargul@example.org";
const ADDRESS: &str = "12 Abay Street, Uralsk";
const LAT: &str = "51.24377";
const LONG: &str = "51.36611";
const MEDIA: &str = "http://example.org/media/638344.jpg";

fn days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

/// The specification's example `POST requests` (every parameter it shows), adapted:
/// our service code and attributes, a point in Uralsk.
fn example_request(api_key: &str) -> Vec<(String, String)> {
    [
        ("api_key", api_key),
        ("jurisdiction_id", "adal.kz"),
        ("service_code", "school"),
        ("lat", LAT),
        ("long", LONG),
        ("address_string", ADDRESS),
        ("email", EMAIL),
        ("device_id", "tt222111"),
        ("account_id", "123456"),
        ("first_name", FIRST_NAME),
        ("last_name", LAST_NAME),
        ("phone", PHONE),
        ("description", DESCRIPTION),
        ("media_url", MEDIA),
        ("attribute[institution]", "School No. 12"),
        ("receipt_secret", SECRET),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain([("attribute[occurred_on]".to_owned(), days_ago(3))])
    .collect()
}

fn without(mut pairs: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    pairs.retain(|(k, _)| k != name);
    pairs
}

fn with(mut pairs: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    pairs.retain(|(k, _)| k != name);
    pairs.push((name.to_owned(), value.to_owned()));
    pairs
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

async fn post(app: &TestApp, lang: &str, pairs: &[(String, String)]) -> Response {
    app.client
        .post(app.url("/open311/v2/requests.json"))
        .header(CONTENT_TYPE, FORM)
        .header(ACCEPT_LANGUAGE, lang)
        .body(encode(pairs))
        .send()
        .await
        .unwrap()
}

async fn get_in(app: &TestApp, lang: &str, path: &str) -> Response {
    app.client.get(app.url(path)).header(ACCEPT_LANGUAGE, lang).send().await.unwrap()
}

/// An Open311 error answer: JSON (not problem+json), an array of `{code, description}`
/// whose code is the HTTP status; the descriptions.
async fn open311_errors(response: Response, status: StatusCode) -> Vec<String> {
    assert_eq!(response.status(), status);
    assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    let body: Value = response.json().await.unwrap();
    let errors = body.as_array().expect("an array of errors");
    assert!(!errors.is_empty());
    errors
        .iter()
        .map(|error| {
            assert_eq!(error["code"], json!(status.as_u16()), "{body}");
            error["description"].as_str().unwrap().to_owned()
        })
        .collect()
}

async fn admin(app: &TestApp) -> StaffSession {
    app.staff_session("admin", Role::Administrator, None).await
}

/// Issues a key as an administrator does; the key itself.
async fn issue_key(app: &TestApp, session: &StaffSession, label: &str) -> (i64, String) {
    let body = json!({ "label": label });
    let response = app.staff_send(session, "en", "/api/v1/staff/open311/keys", Some(&body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let issued: Value = response.json().await.unwrap();
    (issued["id"].as_i64().unwrap(), issued["api_key"].as_str().unwrap().to_owned())
}

/// Posts the example request and returns its tracking number.
async fn posted(app: &TestApp, key: &str) -> String {
    let response = post(app, "en", &example_request(key)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body[0]["service_request_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn discovery_names_the_json_endpoint_of_georeport_v2() {
    let app = spawn_app().await;

    let response = get_in(&app, "en", "/open311/v2/discovery.json").await;

    assert_eq!(response.status(), StatusCode::OK);
    let discovery: Value = response.json().await.unwrap();
    let endpoint = &discovery["endpoints"][0];
    assert_eq!(endpoint["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert_eq!(endpoint["url"], json!(format!("{}/open311/v2", app.address)));
    assert_eq!(endpoint["type"], "production");
    assert_eq!(endpoint["formats"], json!(["application/json"]));
    for field in ["changeset", "contact", "key_service"] {
        assert!(!discovery[field].as_str().unwrap().is_empty(), "{field}");
    }
}

#[tokio::test]
async fn services_are_the_complaint_categories_in_the_language_asked_for() {
    let app = spawn_app().await;
    let complaint = form::current("complaint").unwrap();
    let Some(FieldKind::SingleChoice { options }) = complaint.field("category").map(|f| &f.kind)
    else {
        panic!("the complaint form has categories");
    };

    for (lang, tag) in [(adal_core::Lang::En, "en"), (adal_core::Lang::Kk, "kk")] {
        let response = get_in(&app, tag, "/open311/v2/services.json").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[CONTENT_LANGUAGE], tag);
        let services: Vec<Value> = response.json().await.unwrap();
        assert_eq!(services.len(), options.len());
        for (service, option) in services.iter().zip(options) {
            assert_eq!(service["service_code"], json!(option.value));
            assert_eq!(service["service_name"], json!(option.label.get(lang)));
            assert_eq!(service["metadata"], json!(true));
            assert_eq!(service["type"], "realtime");
        }
    }
}

#[tokio::test]
async fn a_service_definition_lists_the_forms_other_fields_as_attributes() {
    let app = spawn_app().await;
    let complaint = form::current("complaint").unwrap();

    let response = get_in(&app, "ru", "/open311/v2/services/school.json").await;

    assert_eq!(response.status(), StatusCode::OK);
    let definition: Value = response.json().await.unwrap();
    assert_eq!(definition["service_code"], "school");
    let attributes = definition["attributes"].as_array().unwrap();
    // Every field the standard parameters do not carry, in form order, and no other.
    let expected: Vec<_> = complaint
        .fields
        .iter()
        .filter(|f| matches!(open311::carried(f), Carried::Attribute(_)))
        .collect();
    assert_eq!(attributes.len(), expected.len());
    assert!(attributes.len() >= 4, "district, institution, occurred_on, anonymous at least");
    for ((attribute, field), order) in attributes.iter().zip(&expected).zip(1..) {
        assert_eq!(attribute["code"], json!(field.key));
        assert_eq!(attribute["order"], json!(order));
        assert_eq!(attribute["variable"], json!(true));
        assert_eq!(attribute["description"], json!(field.label.ru));
        let required = field.required && field.show_if.is_none() && field.key != "district";
        assert_eq!(attribute["required"], json!(required), "{}", field.key);
        let datatype = match &field.kind {
            FieldKind::Institution { .. } | FieldKind::ShortText { .. } | FieldKind::Iin => {
                "string"
            }
            FieldKind::Number { .. } => "number",
            FieldKind::Date { .. } => "datetime",
            FieldKind::District | FieldKind::Checkbox => "singlevaluelist",
            other => panic!("a kind this test does not expect: {other:?}"),
        };
        assert_eq!(attribute["datatype"], datatype, "{}", field.key);
    }
    let district = &attributes[0];
    assert_eq!(district["values"].as_array().unwrap().len(), 13);
    assert_eq!(district["values"][0], json!({ "key": "URA", "name": "город Уральск" }));
}

#[tokio::test]
async fn an_unknown_service_or_format_is_refused_in_open311_format() {
    let app = spawn_app().await;

    let missing = get_in(&app, "en", "/open311/v2/services/parking.json").await;
    let descriptions = open311_errors(missing, StatusCode::NOT_FOUND).await;
    assert_eq!(descriptions, ["No such service_code: \"parking\""]);

    let xml = get_in(&app, "en", "/open311/v2/services/school.xml").await;
    open311_errors(xml, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn a_request_posted_with_a_key_gets_a_tracking_number_the_receipt_and_open311_know() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet Uralsk").await;

    let response = post(&app, "en", &example_request(&key)).await;

    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    let created = body.as_array().unwrap();
    assert_eq!(created.len(), 1);
    let tracking = created[0]["service_request_id"].as_str().unwrap().to_owned();
    assert!(tracking.starts_with("URA-"), "the nearest office is Uralsk's: {tracking}");
    assert!(created[0]["service_notice"].as_str().unwrap().contains("answers by"));
    assert_eq!(created[0]["account_id"], Value::Null);

    // The public receipt opens with the secret the client sent.
    let receipt = app
        .client
        .get(app.url(&format!("/api/v1/submissions/{tracking}")))
        .header(RECEIPT_SECRET_HEADER, SECRET)
        .send()
        .await
        .unwrap();
    assert_eq!(receipt.status(), StatusCode::OK);
    let status: Value = receipt.json().await.unwrap();
    assert_eq!(status["tracking"], json!(tracking));

    // And Open311 knows its public status.
    let one = get_in(&app, "en", &format!("/open311/v2/requests/{tracking}.json")).await;
    assert_eq!(one.status(), StatusCode::OK);
    let requests: Value = one.json().await.unwrap();
    let request = &requests[0];
    assert_eq!(request["service_request_id"], json!(tracking));
    assert_eq!(request["status"], "open");
    assert_eq!(request["service_code"], "school");
    assert_eq!(request["service_name"], "School");
    assert_eq!(request["status_notes"], Value::Null);
    // The integrity office of the district, as the directory names it.
    let directory: Value = app.get("/api/v1/directory").await.json().await.unwrap();
    let office = directory["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "integrity_office" && p["district"] == "URA")
        .unwrap();
    assert_eq!(request["agency_responsible"], office["name"]["en"]);
    for field in ["requested_datetime", "updated_datetime", "expected_datetime"] {
        let at = request[field].as_str().unwrap();
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| panic!("{field} is a W3C datetime: {at}"));
    }

    // What was stored is what the form keeps: the email, address and media link are not.
    let stored = app.export();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].answers["phone"], PHONE_STORED);
    let answers = stored[0].answers.to_string();
    for dropped in [EMAIL, ADDRESS, MEDIA] {
        assert!(!answers.contains(dropped), "{dropped} is not stored");
    }
}

#[tokio::test]
async fn resending_the_same_request_answers_the_same_tracking_number() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    let first = posted(&app, &key).await;

    let again = post(&app, "en", &example_request(&key)).await;

    assert_eq!(again.status(), StatusCode::OK);
    let body: Value = again.json().await.unwrap();
    assert_eq!(body[0]["service_request_id"], json!(first));
    assert_eq!(app.export().len(), 1);
}

#[tokio::test]
async fn get_requests_never_shows_what_the_person_wrote_or_who_they_are() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    let named = posted(&app, &key).await;
    let anonymous_request = with(
        with(example_request(&key), "attribute[anonymous]", "true"),
        "description",
        "Anonymous: the head teacher took 20000 tenge for a certificate.",
    );
    let response = post(&app, "en", &anonymous_request).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let tracking = app.export()[1].tracking.clone();

    for path in [
        "/open311/v2/requests.json".to_owned(),
        format!("/open311/v2/requests/{named}.json"),
        format!("/open311/v2/requests/{tracking}.json"),
        format!("/open311/v2/requests.json?service_request_id={named},{tracking}"),
    ] {
        let response = get_in(&app, "en", &path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&named) || body.contains(&tracking), "{path}: {body}");
        for private in [
            DESCRIPTION,
            "Anonymous: the head teacher",
            FIRST_NAME,
            LAST_NAME,
            PHONE,
            PHONE_STORED,
            EMAIL,
            ADDRESS,
            LAT,
            LONG,
            MEDIA,
            "School No. 12",
            "anonymous",
        ] {
            assert!(!body.contains(private), "{path} shows {private:?}: {body}");
        }
        let requests: Vec<Value> = serde_json::from_str(&body).unwrap();
        for request in &requests {
            for field in ["description", "address", "lat", "long", "media_url", "zipcode"] {
                assert!(request.get(field).is_none(), "{path} has {field}");
            }
        }
    }
}

#[tokio::test]
async fn the_status_follows_the_timeline_and_shows_neither_the_answer_nor_a_note() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    let tracking = posted(&app, &key).await;
    let data = &app.location();
    adal_server::record_event(data, &tracking, EventKind::Registered, None).unwrap();
    adal_server::record_event(data, &tracking, EventKind::Note, Some("Internal: call the akimat"))
        .unwrap();
    adal_server::record_event(
        data,
        &tracking,
        EventKind::Answered,
        Some("The school returned the money."),
    )
    .unwrap();

    let response = get_in(&app, "en", &format!("/open311/v2/requests/{tracking}.json")).await;

    let body = response.text().await.unwrap();
    assert!(!body.contains("Internal: call the akimat"), "{body}");
    // The answer is the complainant's to read, behind the receipt secret.
    assert!(!body.contains("The school returned the money."), "{body}");
    let requests: Vec<Value> = serde_json::from_str(&body).unwrap();
    assert_eq!(requests[0]["status"], "closed");
    assert_eq!(requests[0]["status_notes"], Value::Null);

    let closed = get_in(&app, "en", "/open311/v2/requests.json?status=closed").await;
    let closed: Vec<Value> = closed.json().await.unwrap();
    assert_eq!(closed.len(), 1);
    let open = get_in(&app, "en", "/open311/v2/requests.json?status=open").await;
    assert_eq!(open.json::<Vec<Value>>().await.unwrap().len(), 0);
}

#[tokio::test]
async fn get_requests_filters_by_service_code_date_and_id() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    let school = posted(&app, &key).await;
    let police = post(&app, "en", &with(example_request(&key), "service_code", "police")).await;
    assert_eq!(police.status(), StatusCode::CREATED);
    // A submission from the app is a complaint like any other.
    let from_app = app.submit(&crate::helpers::submission(crate::helpers::complaint())).await;

    let count = |path: &'static str| {
        let app = &app;
        async move { get_in(app, "en", path).await.json::<Vec<Value>>().await.unwrap().len() }
    };
    assert_eq!(count("/open311/v2/requests.json").await, 3);
    assert_eq!(count("/open311/v2/requests.json?service_code=police").await, 1);
    assert_eq!(count("/open311/v2/requests.json?service_code=police,school").await, 3);
    assert_eq!(
        count("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z")
            .await,
        0
    );
    let ids =
        format!("/open311/v2/requests.json?service_request_id={school},{}", from_app.tracking);
    let listed: Vec<Value> = get_in(&app, "en", &ids).await.json().await.unwrap();
    assert_eq!(listed.len(), 2);
}

#[tokio::test]
async fn a_request_without_a_key_with_an_unknown_or_a_revoked_one_is_forbidden() {
    let app = spawn_app().await;
    let session = admin(&app).await;
    let (id, key) = issue_key(&app, &session, "FixMyStreet").await;

    let missing = post(&app, "en", &without(example_request(&key), "api_key")).await;
    let descriptions = open311_errors(missing, StatusCode::FORBIDDEN).await;
    assert!(descriptions[0].contains("api_key"), "{descriptions:?}");
    let unknown = post(&app, "en", &example_request("adal311_not-a-key")).await;
    open311_errors(unknown, StatusCode::FORBIDDEN).await;

    let revoke = format!("/api/v1/staff/open311/keys/{id}/revoke");
    let revoked = app.staff_send(&session, "en", &revoke, Some(&json!({}))).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let after = post(&app, "en", &example_request(&key)).await;
    let descriptions = open311_errors(after, StatusCode::FORBIDDEN).await;
    assert!(descriptions[0].contains("revoked"), "{descriptions:?}");
    assert!(app.export().is_empty(), "nothing was stored");
}

#[tokio::test]
async fn a_missing_required_attribute_is_refused_with_what_is_missing_in_the_persons_language() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    let request = without(example_request(&key), "attribute[institution]");

    let in_russian = post(&app, "ru", &request).await;
    let descriptions = open311_errors(in_russian, StatusCode::BAD_REQUEST).await;
    assert_eq!(descriptions, ["attribute[institution]: Заполните это поле."]);

    let in_english = post(&app, "en", &request).await;
    let descriptions = open311_errors(in_english, StatusCode::BAD_REQUEST).await;
    assert_eq!(descriptions, ["attribute[institution]: Please fill in this field."]);

    let short = with(example_request(&key), "description", "Bribe");
    let descriptions =
        open311_errors(post(&app, "en", &short).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(descriptions, ["description: Please write at least 10 characters."]);
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn the_district_is_the_attribute_or_else_that_of_the_nearest_office() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    // Near the Terekti office of the sample directory (Fedorovka).
    let terekti = with(with(example_request(&key), "lat", "51.25"), "long", "51.93");
    let named = with(example_request(&key), "attribute[district]", "BUR");

    let near = posted_with(&app, &terekti).await;
    let chosen = posted_with(&app, &named).await;

    assert!(near.starts_with("TER-"), "{near}");
    assert!(chosen.starts_with("BUR-"), "{chosen}");
    let nowhere = without(without(example_request(&key), "lat"), "long");
    let descriptions =
        open311_errors(post(&app, "en", &nowhere).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(descriptions, ["attribute[district] (or lat/long): Please fill in this field."]);
}

async fn posted_with(app: &TestApp, pairs: &[(String, String)]) -> String {
    let response = post(app, "en", pairs).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body[0]["service_request_id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn malformed_open311_input_is_never_a_server_error() {
    let app = spawn_app().await;
    let (_, key) = issue_key(&app, &admin(&app).await, "FixMyStreet").await;
    let example = encode(&example_request(&key));
    let raw = |path: &str, content_type: &str, body: Vec<u8>| {
        app.client
            .post(app.url(path))
            .header(CONTENT_TYPE, content_type.to_owned())
            .body(body)
            .send()
    };
    let cases: Vec<(&str, Response, StatusCode)> = vec![
        ("json body", raw("/open311/v2/requests.json", "application/json", b"{}".to_vec()).await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("no content type", app.client.post(app.url("/open311/v2/requests.json")).body(example.clone()).send().await.unwrap(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("bytes", raw("/open311/v2/requests.json", FORM, vec![0xff, 0xfe, b'=', 0, 0x80]).await.unwrap(), StatusCode::FORBIDDEN),
        ("bad attribute", raw("/open311/v2/requests.json", FORM, format!("{example}&attribute%5B=x").into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("huge", raw("/open311/v2/requests.json", FORM, format!("{example}&description={}", "a".repeat(70_000)).into_bytes()).await.unwrap(), StatusCode::PAYLOAD_TOO_LARGE),
        ("lat NaN", raw("/open311/v2/requests.json", FORM, encode(&with(example_request(&key), "lat", "NaN")).into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("lat 1e999", raw("/open311/v2/requests.json", FORM, encode(&with(example_request(&key), "lat", "1e999")).into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("outside", raw("/open311/v2/requests.json", FORM, encode(&with(with(example_request(&key), "lat", "55.75"), "long", "37.61")).into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("secret", raw("/open311/v2/requests.json", FORM, encode(&with(example_request(&key), "receipt_secret", "short")).into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("no service", raw("/open311/v2/requests.json", FORM, encode(&without(example_request(&key), "service_code")).into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("unknown service", raw("/open311/v2/requests.json", FORM, encode(&with(example_request(&key), "service_code", "parking")).into_bytes()).await.unwrap(), StatusCode::NOT_FOUND),
        ("future date", raw("/open311/v2/requests.json", FORM, encode(&with(example_request(&key), "attribute[occurred_on]", "9999-12-31T00:00:00Z")).into_bytes()).await.unwrap(), StatusCode::BAD_REQUEST),
        ("delete", app.client.delete(app.url("/open311/v2/requests.json")).send().await.unwrap(), StatusCode::METHOD_NOT_ALLOWED),
        ("nothing", app.client.get(app.url("/open311/v2/nothing.json")).send().await.unwrap(), StatusCode::NOT_FOUND),
        ("xml", app.client.get(app.url("/open311/v2/requests.xml")).send().await.unwrap(), StatusCode::NOT_FOUND),
        ("bad id", app.client.get(app.url("/open311/v2/requests/%FF%FE.json")).send().await.unwrap(), StatusCode::BAD_REQUEST),
        ("no such id", app.client.get(app.url("/open311/v2/requests/URA-2026-99999.json")).send().await.unwrap(), StatusCode::NOT_FOUND),
        ("junk id", app.client.get(app.url(&format!("/open311/v2/requests/{}.json", "x".repeat(300)))).send().await.unwrap(), StatusCode::NOT_FOUND),
        ("dates", app.client.get(app.url("/open311/v2/requests.json?start_date=yesterday")).send().await.unwrap(), StatusCode::BAD_REQUEST),
        ("far dates", app.client.get(app.url("/open311/v2/requests.json?start_date=9999-12-31T23:59:59Z")).send().await.unwrap(), StatusCode::BAD_REQUEST),
        ("old dates", app.client.get(app.url("/open311/v2/requests.json?end_date=-9999-01-01T00:00:00Z")).send().await.unwrap(), StatusCode::BAD_REQUEST),
        ("status", app.client.get(app.url("/open311/v2/requests.json?status=pending")).send().await.unwrap(), StatusCode::BAD_REQUEST),
        ("span", app.client.get(app.url("/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z")).send().await.unwrap(), StatusCode::BAD_REQUEST),
        ("many ids", app.client.get(app.url(&format!("/open311/v2/requests.json?service_request_id={}", vec!["URA-2026-00001"; 1001].join(",")))).send().await.unwrap(), StatusCode::BAD_REQUEST),
    ];
    for (case, response, status) in cases {
        assert!(!response.status().is_server_error(), "{case}: {}", response.status());
        assert_eq!(response.status(), status, "{case}");
        let body: Value = response.json().await.unwrap_or_else(|_| panic!("{case}: JSON"));
        assert_eq!(body[0]["code"], json!(status.as_u16()), "{case}: {body}");
    }
    assert!(app.export().is_empty());
}

#[tokio::test]
async fn only_an_administrator_issues_keys_and_a_key_is_shown_once() {
    let app = spawn_staff_app().await;
    let body = json!({ "label": "FixMyStreet Uralsk" });
    let front = app.staff_session("front2", Role::FrontOffice, None).await;
    let refused = app.staff_send(&front, "en", "/api/v1/staff/open311/keys", Some(&body)).await;
    assert_eq!(crate::helpers::problem(refused).await.status, 403);
    let session = admin(&app).await;
    let no_csrf = StaffSession { cookie: session.cookie.clone(), csrf: "wrong".into() };
    let forged = app.staff_send(&no_csrf, "en", "/api/v1/staff/open311/keys", Some(&body)).await;
    assert_eq!(crate::helpers::problem(forged).await.status, 403);
    let blank = json!({ "label": "  " });
    let blank = app.staff_send(&session, "en", "/api/v1/staff/open311/keys", Some(&blank)).await;
    assert_eq!(crate::helpers::problem(blank).await.status, 400);

    let (id, key) = issue_key(&app, &session, "FixMyStreet Uralsk").await;

    assert!(key.starts_with("adal311_") && key.len() > 64);
    let list = app.staff_send(&session, "en", "/api/v1/staff/open311/keys", None).await;
    assert_eq!(list.status(), StatusCode::OK);
    let list = list.text().await.unwrap();
    assert!(!list.contains(&key), "the list never shows a key");
    let keys: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(keys["keys"][0]["id"], json!(id));
    assert_eq!(keys["keys"][0]["label"], "FixMyStreet Uralsk");
    assert_eq!(keys["keys"][0]["created_by"], "admin");
    let audit = app.staff_send(&session, "en", "/api/v1/staff/audit", None).await;
    let audit = audit.text().await.unwrap();
    assert!(audit.contains("issue_open311_key") && audit.contains(&format!("open311_key:{id}")));
    assert!(!audit.contains(&key), "the audit log never holds a key");
    let unknown = app
        .staff_send(&session, "en", "/api/v1/staff/open311/keys/999/revoke", Some(&json!({})))
        .await;
    assert_eq!(crate::helpers::problem(unknown).await.status, 404);
}

#[tokio::test]
async fn open311_reads_share_the_public_rate_limit_and_say_when_to_come_back() {
    let app = crate::helpers::spawn_app_with(crate::helpers::tiny_rate_limit(2)).await;
    for _ in 0..2 {
        let response = get_in(&app, "en", "/open311/v2/requests.json").await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    let limited = get_in(&app, "en", "/open311/v2/requests.json").await;

    let retry_after: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    let descriptions = open311_errors(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(descriptions[0].starts_with("Too many requests"), "{descriptions:?}");
}
