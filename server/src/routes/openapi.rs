//! The API contract: an OpenAPI 3.1 document generated from the code, served at
//! `GET /api/v1/openapi.json` and as a page at `GET /api/v1/docs`.
//!
//! Architecture invariant: **a route cannot exist without its entry in the document.**
//! axum cannot list a router's routes, so the document is not compared with the router
//! after the fact; instead every API router is an `utoipa_axum::router::OpenApiRouter`
//! and every route is added with `routes!(handler)`, which takes the path and the method
//! from the handler's `#[utoipa::path]` attribute and adds the route and its operation
//! together. Two tests hold the rest: `every_route_is_added_with_its_document_entry`
//! (below) refuses a plain `.route(` in `routes/` (only the `/api` and `/open311`
//! catch-alls may use it),
//! and the API test `every_documented_operation_is_routed` sends each documented path a
//! method it does not have and expects the router's 405, not the catch-all's 404.
//!
//! Each handler's attribute names its success answers and the problem codes only it
//! gives, as `(status = 404, description = "not_found")`. [`finish`] then does what is the
//! same everywhere, by the rules the extractors follow: every problem answer gets the
//! `Problem` schema as `application/problem+json` and a description naming each code with
//! its title; a JSON body adds 400 `malformed_request`, 413 `body_too_large` and 415
//! `unsupported_media_type`; any body adds 408 `request_timeout` (one that stops
//! arriving); the staff session adds 401 `unauthenticated` and 429 `rate_limited` (every
//! staff route is limited per address); the CSRF header adds 403 `csrf_rejected`; and
//! every operation may answer 500 `internal`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

use adal_core::Lang;
use adal_core::api::{Problem, ProblemCode};
use axum::Extension;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

/// The name of the staff session's security scheme (the `adal_staff` cookie).
pub const STAFF_SESSION: &str = "staff_session";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Adal API",
        description = "The HTTP API of Adal's server: submissions from the citizens' app \
            (with resumable photo uploads and receipts), reference data (forms, directory, \
            calendar, published reports), the staff workspace, and Open311 GeoReport v2. \
            Every error is `application/problem+json` with a stable `code`, but Open311's, \
            which are `[{code, description}]` as its specification says.",
    ),
    tags(
        (name = "submissions", description = "Sending filled forms, alone or in batches"),
        (name = "attachments", description = "Resumable photo uploads in 256 KiB parts"),
        (name = "receipts", description = "What the sender of a submission may read and add, with its receipt secret"),
        (name = "reference", description = "Forms, directory, calendar, health and this contract"),
        (name = "reports", description = "Published two-weekly reports"),
        (name = "staff", description = "The staff workspace: session, inbox, steps, administration"),
        (name = "open311", description = "Open311 GeoReport v2 (JSON) over the complaint form; its refusals are Open311's `[{code, description}]`"),
    ),
    components(schemas(Problem, ProblemCode)),
    modifiers(&StaffSession),
)]
pub struct ApiDoc;

struct StaffSession;

impl utoipa::Modify for StaffSession {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            STAFF_SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                adal_core::staff::SESSION_COOKIE,
                "The staff session, set by `POST /api/v1/staff/login` (HttpOnly, Secure, \
                 SameSite=Strict). State-changing requests also carry the session's CSRF \
                 token in `X-CSRF-Token`.",
            ))),
        );
    }
}

/// The document and its page, made once when the router is built.
#[derive(Clone)]
pub struct Contract {
    json: Arc<[u8]>,
    html: Arc<str>,
}

impl Contract {
    pub fn new(doc: OpenApi) -> Contract {
        let value = finish(doc);
        let html = render(&value);
        let json = serde_json::to_vec(&value).expect("the document is JSON");
        Contract { json: json.into(), html: html.into() }
    }
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "reference",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)),
)]
pub async fn get_openapi(Extension(contract): Extension<Contract>) -> Response {
    let content_type = HeaderValue::from_static("application/json");
    ([(header::CONTENT_TYPE, content_type)], contract.json.to_vec()).into_response()
}

/// The same document as a page to read.
#[utoipa::path(
    get,
    path = "/api/v1/docs",
    tag = "reference",
    responses((status = 200, description = "The contract as HTML", content_type = "text/html", body = String)),
)]
pub async fn get_docs(Extension(contract): Extension<Contract>) -> Response {
    let content_type = HeaderValue::from_static("text/html; charset=utf-8");
    ([(header::CONTENT_TYPE, content_type)], contract.html.to_string()).into_response()
}

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Completes the document by the rules in the module's comment. Panics on a problem code
/// that is not in the catalogue or is given with another status: a mistake in an
/// attribute, which every test that starts the server finds. The result is JSON: the
/// document is not read back into utoipa's types, which do not all deserialise.
pub fn finish(doc: OpenApi) -> Value {
    let mut value = serde_json::to_value(&doc).expect("the document is JSON");
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            // Open311's routes answer in its own format, as their attributes say.
            if path.starts_with("/open311/") {
                continue;
            }
            for method in METHODS {
                if let Some(operation) = item.get_mut(method) {
                    complete_operation(operation);
                }
            }
        }
    }
    value
}

fn complete_operation(operation: &mut Value) {
    let added = implied_problems(operation);
    let responses = operation["responses"].as_object_mut().expect("an operation has responses");
    camel_case_links(responses);
    let mut problems = named_problems(responses);
    for code in added {
        let codes = problems.entry(code.status()).or_default();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    for (status, codes) in problems {
        let description = codes
            .iter()
            .map(|c| format!("`{}`: {}", c.as_str(), c.title(Lang::En)))
            .collect::<Vec<_>>()
            .join(" ");
        responses.insert(
            status.to_string(),
            json!({
                "description": description,
                "content": {
                    "application/problem+json": {
                        "schema": { "$ref": "#/components/schemas/Problem" }
                    }
                }
            }),
        );
    }
}

/// The problems every operation of its kind may answer, though its attribute does not
/// list them: a server error; a JSON body's; a staff route's; a CSRF-checked one's.
fn implied_problems(operation: &Value) -> Vec<ProblemCode> {
    let mut added: Vec<ProblemCode> = vec![ProblemCode::Internal];
    let json_body = operation
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
        .is_some_and(|content| content.contains_key("application/json"));
    if json_body {
        added.extend([
            ProblemCode::MalformedRequest,
            ProblemCode::BodyTooLarge,
            ProblemCode::UnsupportedMediaType,
        ]);
    }
    let staff = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|req| req.get(STAFF_SESSION).is_some()));
    if staff {
        // Every staff route is rate-limited per address (`routes::staff::router`).
        added.extend([ProblemCode::Unauthenticated, ProblemCode::RateLimited]);
    }
    if operation.get("requestBody").is_some() {
        // A body that stops arriving is answered 408 (`serve::body_timeout`).
        added.push(ProblemCode::RequestTimeout);
    }
    let csrf = operation.get("parameters").and_then(Value::as_array).is_some_and(|list| {
        list.iter().any(|p| {
            p["in"] == "header"
                && p["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(adal_core::staff::CSRF_HEADER))
        })
    });
    if csrf {
        added.push(ProblemCode::CsrfRejected);
    }
    added
}

/// utoipa 5 writes a link's fields in snake case; OpenAPI spells them in camel case.
fn camel_case_links(responses: &mut serde_json::Map<String, Value>) {
    for link in responses.values_mut().filter_map(|r| r.get_mut("links")?.as_object_mut()) {
        for link in link.values_mut().filter_map(Value::as_object_mut) {
            for (snake, camel) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(value) = link.remove(snake) {
                    link.insert(camel.to_owned(), value);
                }
            }
        }
    }
}

/// The problem codes each error answer's description names, checked against the
/// catalogue's status.
fn named_problems(responses: &serde_json::Map<String, Value>) -> BTreeMap<u16, Vec<ProblemCode>> {
    let mut problems: BTreeMap<u16, Vec<ProblemCode>> = BTreeMap::new();
    for (status, response) in responses.iter() {
        let Ok(status) = status.parse::<u16>() else { continue };
        if status < 400 {
            continue;
        }
        let named = response["description"].as_str().unwrap_or_default();
        for name in named.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let code = ProblemCode::ALL
                .into_iter()
                .find(|c| c.as_str() == name)
                .unwrap_or_else(|| panic!("{name:?} is not a problem code"));
            assert_eq!(code.status(), status, "{name} is answered with {}", code.status());
            problems.entry(status).or_default().push(code);
        }
    }
    problems
}

/// The problem codes an operation's answers name, by status: what the page lists and
/// what the tests check against the catalogue.
pub fn problem_codes(operation: &Value) -> Vec<(u16, Vec<&'static str>)> {
    let mut found = Vec::new();
    let Some(responses) = operation["responses"].as_object() else { return found };
    for (status, response) in responses {
        let Ok(status) = status.parse::<u16>() else { continue };
        let description = response["description"].as_str().unwrap_or_default();
        let codes: Vec<&'static str> = ProblemCode::ALL
            .into_iter()
            .map(ProblemCode::as_str)
            .filter(|code| description.contains(&format!("`{code}`")))
            .collect();
        if !codes.is_empty() {
            found.push((status, codes));
        }
    }
    found
}

/// Text made safe for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A schema's name if it is a reference, else its type in a word or two.
fn schema_name(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", schema_name(items));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = schema[key].as_array() {
            let names: Vec<String> = list.iter().map(schema_name).collect();
            return names.join(" or ");
        }
    }
    match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => {
            types.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or ")
        }
        _ => "any".to_owned(),
    }
}

/// The page: operations grouped by tag, each with its method, path, summary,
/// parameters, body and answers; then every schema by name. No script, no outside
/// resource, every text escaped.
fn render(doc: &Value) -> String {
    let mut html = String::new();
    let title = doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("API");
    let version = doc.pointer("/info/version").and_then(Value::as_str).unwrap_or("");
    let intro = doc.pointer("/info/description").and_then(Value::as_str).unwrap_or("");
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} {v}</title><style>{STYLE}</style></head><body>\
         <header><h1>{t} <small>{v}</small></h1><p>{i}</p>\
         <p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a> (OpenAPI 3.1).</p>\
         </header><main>",
        t = escape(title),
        v = escape(version),
        i = escape(intro),
    );

    let mut by_tag: BTreeMap<String, Vec<(&str, &str, &Value)>> = BTreeMap::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    let tag = operation["tags"][0].as_str().unwrap_or("other").to_owned();
                    by_tag.entry(tag).or_default().push((method, path, operation));
                }
            }
        }
    }
    let tags: Vec<(String, String)> = doc["tags"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .map(|t| {
                    let name = t["name"].as_str().unwrap_or_default().to_owned();
                    (name, t["description"].as_str().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .unwrap_or_default();

    html.push_str("<nav aria-label=\"Contents\"><ul>");
    for (tag, _) in &tags {
        let _ = write!(html, "<li><a href=\"#tag-{0}\">{0}</a></li>", escape(tag));
    }
    html.push_str("<li><a href=\"#schemas\">Schemas</a></li></ul></nav>");

    for (tag, about) in &tags {
        let Some(operations) = by_tag.get(tag) else { continue };
        let _ = write!(
            html,
            "<section id=\"tag-{t}\" aria-labelledby=\"h-{t}\"><h2 id=\"h-{t}\">{t}</h2><p>{a}</p>",
            t = escape(tag),
            a = escape(about)
        );
        for (method, path, operation) in operations {
            render_operation(&mut html, method, path, operation);
        }
        html.push_str("</section>");
    }

    html.push_str(
        "<section id=\"schemas\" aria-labelledby=\"h-schemas\"><h2 id=\"h-schemas\">Schemas</h2>",
    );
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let text = serde_json::to_string_pretty(schema).unwrap_or_default();
            let _ = write!(
                html,
                "<section id=\"schema-{n}\"><h3>{n}</h3><pre>{s}</pre></section>",
                n = escape(name),
                s = escape(&text)
            );
        }
    }
    html.push_str("</section></main></body></html>\n");
    html
}

fn render_operation(html: &mut String, method: &str, path: &str, operation: &Value) {
    let summary = operation["summary"].as_str().unwrap_or_default();
    let description = operation["description"].as_str().unwrap_or_default();
    let _ = write!(
        html,
        "<article><h3><span class=\"method\">{m}</span> <code>{p}</code></h3><p>{s}</p>",
        m = escape(&method.to_uppercase()),
        p = escape(path),
        s = escape(summary),
    );
    if !description.is_empty() {
        let _ = write!(html, "<p>{}</p>", escape(description));
    }
    if operation.get("security").is_some() {
        html.push_str("<p>Needs the staff session cookie.</p>");
    }
    if let Some(parameters) = operation["parameters"].as_array().filter(|p| !p.is_empty()) {
        html.push_str(
            "<table><caption>Parameters</caption><thead><tr><th scope=\"col\">Name</th>\
             <th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Required</th>\
             <th scope=\"col\">Description</th></tr></thead><tbody>",
        );
        for p in parameters {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(p["name"].as_str().unwrap_or_default()),
                escape(p["in"].as_str().unwrap_or_default()),
                escape(&schema_name(&p["schema"])),
                if p["required"].as_bool().unwrap_or(false) { "yes" } else { "no" },
                escape(p["description"].as_str().unwrap_or_default()),
            );
        }
        html.push_str("</tbody></table>");
    }
    if let Some(content) = operation.pointer("/requestBody/content").and_then(Value::as_object) {
        html.push_str("<p>Body: ");
        for (media, body) in content {
            let _ =
                write!(html, "<code>{}</code> {} ", escape(media), schema_link(&body["schema"]));
        }
        html.push_str("</p>");
    }
    html.push_str(
        "<table><caption>Answers</caption><thead><tr><th scope=\"col\">Status</th>\
         <th scope=\"col\">Body</th><th scope=\"col\">Meaning</th></tr></thead><tbody>",
    );
    if let Some(responses) = operation["responses"].as_object() {
        for (status, response) in responses {
            let body = response["content"]
                .as_object()
                .map(|content| {
                    content
                        .iter()
                        .map(|(media, c)| {
                            format!("<code>{}</code> {}", escape(media), schema_link(&c["schema"]))
                        })
                        .collect::<Vec<_>>()
                        .join("<br>")
                })
                .unwrap_or_default();
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(status),
                body,
                escape(response["description"].as_str().unwrap_or_default()),
            );
        }
    }
    html.push_str("</tbody></table></article>");
}

fn schema_link(schema: &Value) -> String {
    let name = schema_name(schema);
    match schema["$ref"].as_str().or_else(|| schema.pointer("/items/$ref").and_then(Value::as_str))
    {
        Some(reference) => {
            let target = reference.rsplit('/').next().unwrap_or(reference);
            format!("<a href=\"#schema-{}\">{}</a>", escape(target), escape(&name))
        }
        None => escape(&name),
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;\
padding:1rem;line-height:1.4;color:#111;background:#fff}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}\
th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}\
caption{text-align:left;font-weight:bold}article{border-top:1px solid #ccc;margin-top:1rem}\
.method{font-family:monospace;background:#e8e8e8;padding:0 .3rem}\
pre{background:#f4f4f4;padding:.5rem;overflow-x:auto}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_added_with_its_document_entry() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
        let mut files = vec![dir.clone()];
        let mut offending = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                // Spelt in two halves, so that this line does not find itself.
                let plain_route = [concat!(".", "route("), concat!(".", "route_service(")]
                    .iter()
                    .chain([concat!(".", "nest_service(")].iter())
                    .any(|call| line.contains(call));
                let catch_all =
                    line.contains("any(not_found)") || line.contains("any(no_such_resource)");
                if plain_route && !catch_all && !line.trim_start().starts_with("//") {
                    offending.push(format!("{}: {}", path.display(), line.trim()));
                }
            }
        }
        assert!(offending.is_empty(), "routes added without routes!(): {offending:#?}");
    }

    #[test]
    fn a_problem_answer_names_its_codes_with_their_titles_and_the_problem_schema() {
        let mut operation = json!({
            "requestBody": { "content": { "application/json": {} } },
            "responses": { "404": { "description": "not_found" } }
        });
        complete_operation(&mut operation);
        let codes = problem_codes(&operation);
        assert_eq!(
            codes,
            vec![
                (400, vec!["malformed_request"]),
                (404, vec!["not_found"]),
                (408, vec!["request_timeout"]),
                (413, vec!["body_too_large"]),
                (415, vec!["unsupported_media_type"]),
                (500, vec!["internal"]),
            ]
        );
        assert_eq!(
            operation["responses"]["404"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
    }

    #[test]
    fn links_name_their_operation_in_camel_case() {
        let mut operation = json!({ "responses": { "201": {
            "description": "",
            "links": { "status": { "operation_id": "get_submission_status", "parameters": {} } }
        } } });
        complete_operation(&mut operation);
        let link = &operation["responses"]["201"]["links"]["status"];
        assert_eq!(link["operationId"], "get_submission_status");
        assert!(link.get("operation_id").is_none());
        let without = &operation["responses"]["500"];
        assert!(without.get("links").is_none(), "no `links: null` where there are none");
    }

    #[test]
    #[should_panic(expected = "is answered with 404")]
    fn a_code_given_with_the_wrong_status_is_refused() {
        let mut operation = json!({ "responses": { "400": { "description": "not_found" } } });
        complete_operation(&mut operation);
    }

    #[test]
    fn the_page_escapes_every_text() {
        let doc = json!({
            "info": { "title": "<script>", "version": "1" },
            "tags": [{ "name": "t", "description": "a & b" }],
            "paths": { "/x/{id}": { "get": {
                "tags": ["t"], "summary": "<img src=x onerror=alert(1)>",
                "responses": { "200": { "description": "\"quoted\"" } }
            } } }
        });
        let html = render(&doc);
        assert!(!html.contains("<script>") && !html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("a &amp; b") && html.contains("&quot;quoted&quot;"));
    }
}
