//! The OpenAPI 3.1 document of every `/api` endpoint (`GET /api/openapi.json`):
//! what each takes, answers and refuses, and who may call it. The roles come from
//! the access policy itself, and a test holds the list of endpoints to the server
//! functions the server registers, so the document cannot drift from the API.

use axum::http::Method;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder,
    ResponseBuilder, ResponsesBuilder,
};

use crate::access::{changes_state, required_role, Need};

/// What an endpoint answers with.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// Nothing (`null`), or a redirect for a form posted without scripts.
    Nothing,
    /// A started job's id: follow it with `/api/jobs/watch`.
    Job,
    /// A JSON document of this shape, described in words.
    Json(Shape, &'static str),
    /// A live stream of JSON lines (`text/plain`), one event per line.
    Lines(&'static str),
}

/// The JSON type of an answer.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    Object,
    Array,
    Integer,
    Text,
}

impl Shape {
    fn schema_type(self) -> Type {
        match self {
            Shape::Object => Type::Object,
            Shape::Array => Type::Array,
            Shape::Integer => Type::Integer,
            Shape::Text => Type::String,
        }
    }
}

/// One server function: its path, what it does, its form fields
/// (`name:type`, `!` when required) and its answer.
pub struct Endpoint {
    pub path: &'static str,
    pub summary: &'static str,
    pub fields: &'static str,
    pub answer: Answer,
}

const fn ep(
    path: &'static str,
    summary: &'static str,
    fields: &'static str,
    answer: Answer,
) -> Endpoint {
    Endpoint {
        path,
        summary,
        fields,
        answer,
    }
}

use Answer::{Job, Json, Lines, Nothing};
const OBJ: Shape = Shape::Object;
const ARR: Shape = Shape::Array;

/// Every `/api` server function.
pub const ENDPOINTS: &[Endpoint] = &[
    ep(
        "/api/access/login",
        "Logs in (no username means admin) and goes to `next`",
        "username:string password:string! next:string",
        Nothing,
    ),
    ep("/api/access/logout", "Ends this session", "", Nothing),
    ep(
        "/api/access/whoami",
        "This session: role, name, waiting signups, activity count",
        "",
        Json(OBJ, "SessionView"),
    ),
    ep(
        "/api/access/links",
        "Stakeholders' read-only links, newest first",
        "",
        Json(ARR, "LinkView[]"),
    ),
    ep(
        "/api/access/create-link",
        "Makes a read-only link; its path is shown this once",
        "label:string! hours:integer!",
        Json(OBJ, "CreatedLink {id, path, expires_ms}"),
    ),
    ep(
        "/api/access/revoke-link",
        "Revokes a link: its sessions end at their next request",
        "id:integer!",
        Nothing,
    ),
    ep(
        "/api/access/signups",
        "Self-service signups, newest first",
        "",
        Json(ARR, "SignupStatus[]"),
    ),
    ep(
        "/api/access/approve-signup",
        "Approves a signup: its tenant is onboarded",
        "id:integer!",
        Json(OBJ, "SignupStatus (with job_id)"),
    ),
    ep(
        "/api/access/reject-signup",
        "Declines a signup; the customer reads the reason",
        "id:integer! reason:string!",
        Json(OBJ, "SignupStatus"),
    ),
    ep(
        "/api/access/revoke-portal-links",
        "Ends every way into a signup's portal (its personal links and the browser that signed up) and makes a new personal link, shown once",
        "id:integer!",
        Json(OBJ, "{links: how many links stopped, path: the new personal link}"),
    ),
    ep(
        "/api/access/accounts/list",
        "The team's accounts",
        "",
        Json(
            ARR,
            "AccountView[] {name, role, disabled_ms, created_ms, last_login_ms}",
        ),
    ),
    ep(
        "/api/access/accounts/add",
        "Makes an account (admin, operator or viewer); its password is shown this once",
        "name:string! role:string!",
        Json(OBJ, "IssuedPassword {name, role, password}"),
    ),
    ep(
        "/api/access/accounts/set-role",
        "Gives an account another role, from its next request on",
        "name:string! role:string!",
        Json(OBJ, "AccountView"),
    ),
    ep(
        "/api/access/accounts/reset-password",
        "A new password, shown this once; the account's sessions end",
        "name:string!",
        Json(OBJ, "IssuedPassword"),
    ),
    ep(
        "/api/access/accounts/disable",
        "The account cannot log in; its sessions end",
        "name:string!",
        Json(OBJ, "AccountView"),
    ),
    ep(
        "/api/access/accounts/enable",
        "A disabled account may log in again",
        "name:string!",
        Json(OBJ, "AccountView"),
    ),
    ep(
        "/api/access/audit",
        "The audit trail, newest first (since: 24h, 7d or a UTC time; action: a prefix)",
        "actor:string action:string since:string limit:integer",
        Json(
            ARR,
            "AuditEntry[] {id, at_ms, actor, role, action, target, outcome, job_id, client}",
        ),
    ),
    ep(
        "/api/activity/watch",
        "The console's activity, live (a resync first if anything happened since `since`)",
        "since:integer",
        Lines("Activity[] per line"),
    ),
    ep(
        "/api/cluster/servers",
        "Servers with their health, shard groups, bytes and tenants",
        "",
        Json(OBJ, "ServerReport"),
    ),
    ep(
        "/api/cluster/shards",
        "Shard groups and their placement, with balance figures",
        "",
        Json(OBJ, "ShardInfo"),
    ),
    ep(
        "/api/cluster/add-servers",
        "Adds empty DB servers (embedded back end)",
        "count:integer!",
        Job,
    ),
    ep(
        "/api/cluster/fail-server",
        "Simulates a server failure (embedded back end)",
        "server:string!",
        Nothing,
    ),
    ep(
        "/api/cluster/restore-server",
        "Restores a simulated failed server",
        "server:string!",
        Nothing,
    ),
    ep(
        "/api/cluster/remove-server",
        "Removes a DB server that holds nothing (409 naming what it holds)",
        "server:string!",
        Json(OBJ, "RemovedServer"),
    ),
    ep(
        "/api/cluster/rebalance",
        "Plans a rebalance, and carries it out with execute",
        "execute:boolean!",
        Job,
    ),
    ep(
        "/api/cluster/plan",
        "The rebalance plan for review (nothing moves), with its fingerprint",
        "what_if_servers:integer! drain:string",
        Json(OBJ, "PlanReview"),
    ),
    ep(
        "/api/cluster/execute-plan",
        "Executes a reviewed plan; 409 if the cluster changed since",
        "fingerprint:string! drain:string",
        Job,
    ),
    ep(
        "/api/cluster/validate",
        "Checks every tenant's isolation and integrity",
        "",
        Job,
    ),
    ep(
        "/api/demo/check",
        "What the demo would start from, and any warning for the presenter",
        "",
        Json(OBJ, "DemoCheck"),
    ),
    ep(
        "/api/demo/start",
        "Runs the scale-out demo and saves its report",
        "naming:string!",
        Job,
    ),
    ep(
        "/api/console/status",
        "Version, back end and uptime",
        "",
        Json(OBJ, "ConsoleStatus"),
    ),
    ep(
        "/api/console/preflight",
        "The preflight checks, live",
        "",
        Lines("ProgressEvent per line"),
    ),
    ep(
        "/api/dashboard/summary",
        "The dashboard's figures",
        "",
        Json(OBJ, "ConsoleSummary"),
    ),
    ep(
        "/api/jobs/list",
        "Recent jobs, newest first; with before, those numbered below it (the next page)",
        "limit:integer! before:integer",
        Json(ARR, "JobRecord[]"),
    ),
    ep(
        "/api/jobs/get",
        "One job",
        "id:integer!",
        Json(OBJ, "JobRecord"),
    ),
    ep(
        "/api/jobs/log",
        "One job with its log's milestones: each step's start and end, every outcome",
        "id:integer!",
        Json(OBJ, "JobLog"),
    ),
    ep(
        "/api/jobs/current-demo",
        "The latest demo, running or ended, with its log's milestones; null when none has run",
        "",
        Json(OBJ, "JobLog"),
    ),
    ep(
        "/api/jobs/current-rebalance",
        "The rebalance moving data now (for a caller who cannot start one, the last one), with its log's milestones; null when none",
        "",
        Json(OBJ, "JobLog"),
    ),
    ep(
        "/api/jobs/watch",
        "A job's progress so far, then live until it ends",
        "id:integer!",
        Lines("ProgressEvent per line"),
    ),
    ep(
        "/api/jobs/cancel",
        "Asks a running job to stop at its next safe point",
        "id:integer!",
        Nothing,
    ),
    ep(
        "/api/jobs/resume",
        "Runs an interrupted job again to completion",
        "id:integer!",
        Job,
    ),
    ep(
        "/api/portal/overview",
        "A customer's own portal (found from the portal cookie)",
        "personal:string",
        Json(OBJ, "PortalView"),
    ),
    ep(
        "/api/portal/updates",
        "The portal, live",
        "",
        Lines("PortalView per line"),
    ),
    ep(
        "/api/portal/network",
        "A customer's network at a time",
        "at:integer! page:integer",
        Json(OBJ, "NetworkPage"),
    ),
    ep(
        "/api/portal/watch",
        "A customer's tenant being set up, live",
        "",
        Lines("ProgressEvent per line"),
    ),
    ep(
        "/api/portal/switch",
        "Opens another portal signed up from this browser",
        "id:integer!",
        Nothing,
    ),
    ep(
        "/api/portal/new-link",
        "A new personal portal link (the old one stops working)",
        "",
        Json(Shape::Text, "the link's path"),
    ),
    ep(
        "/api/signup/form",
        "The signup form's key and sizes",
        "",
        Json(OBJ, "SignupForm"),
    ),
    ep(
        "/api/signup/submit",
        "Signs a company up (a retry of the same form is the same signup)",
        "form_key:string! company:string! email:string! size:string!",
        Json(OBJ, "SignupStatus"),
    ),
    ep(
        "/api/tenants/list",
        "Tenants with their size, status and placement",
        "",
        Json(ARR, "TenantRow[]"),
    ),
    ep(
        "/api/tenants/add",
        "Onboards a tenant",
        "name:string! scale_factor:integer! naming:string!",
        Job,
    ),
    ep(
        "/api/tenants/add-batch",
        "Onboards the demo's three tenants",
        "naming:string!",
        Job,
    ),
    ep(
        "/api/tenants/import",
        "Imports a customer list (CSV with a header, or JSON lines): the valid rows onboard in one job, the others are refused by line",
        "list:string! naming:string!",
        Json(OBJ, "ImportStarted {job, onboarding, skipped: [{line, name, reason}], refused: [{line, name, reason}]}"),
    ),
    ep(
        "/api/tenants/remove",
        "Removes a tenant and all its data",
        "id:string!",
        Job,
    ),
    ep(
        "/api/tenants/purge",
        "Deletes data stored under an id the registry does not know",
        "id:string!",
        Job,
    ),
    ep(
        "/api/tenants/detail",
        "One tenant: documents against the spec, placement",
        "id:string!",
        Json(OBJ, "TenantDetail"),
    ),
    ep(
        "/api/tenants/isolation",
        "Checks one tenant's isolation",
        "id:string!",
        Json(OBJ, "TenantValidation"),
    ),
    ep(
        "/api/tenants/network",
        "A tenant's network at a time",
        "id:string! at:integer! page:integer",
        Json(OBJ, "NetworkPage"),
    ),
];

/// The document, built once per request (it is small).
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for e in ENDPOINTS {
        paths = paths.path(e.path, PathItem::new(HttpMethod::Post, operation(e)));
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("scaleout console API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Every endpoint is a POST with a form-encoded body (application/x-www-form-urlencoded). \
                     A session cookie (`scaleout_session`, from /api/access/login or a read-only link) says who calls. \
                     Errors come as text/plain `ServerError|<a sentence to act on>` with the status. \
                     Requests from browsers must be same-origin. Every change, and every refused attempt, \
                     is recorded in the audit trail.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(
            ComponentsBuilder::new()
                .security_scheme(
                    "session",
                    SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("scaleout_session"))),
                )
                .build(),
        ))
        .build()
}

fn operation(e: &Endpoint) -> utoipa::openapi::path::Operation {
    let role = match required_role(&Method::POST, e.path) {
        Need::Api(r) | Need::Page(r) => r,
        Need::Asset => scaleout_domain::access::Role::Anonymous,
    };
    let who = match role.as_str() {
        "anonymous" => "anyone".to_string(),
        "stakeholder" => "a read-only link, or any team account".to_string(),
        "viewer" => "any team account (viewer, operator, admin)".to_string(),
        "operator" => "an operator or admin".to_string(),
        other => format!("an {other}"),
    };
    let changes = changes_state(&Method::POST, e.path);
    let mut op = OperationBuilder::new()
        .operation_id(Some(
            e.path.trim_start_matches("/api/").replace(['/', '-'], "_"),
        ))
        .summary(Some(e.summary))
        .description(Some(format!(
            "Who may call it: {who}.{}",
            if changes {
                " Recorded in the audit trail."
            } else {
                ""
            }
        )))
        .tag(
            e.path
                .trim_start_matches("/api/")
                .split('/')
                .next()
                .unwrap_or("api"),
        )
        .extensions(Some(
            ExtensionsBuilder::new()
                .add("x-scaleout-role", role.as_str())
                .add("x-scaleout-changes-state", changes)
                .build(),
        ))
        .responses(responses(
            e,
            role != scaleout_domain::access::Role::Anonymous,
        ));
    if role != scaleout_domain::access::Role::Anonymous {
        op = op.security(SecurityRequirement::new::<_, _, &str>("session", []));
    }
    if !e.fields.is_empty() {
        let mut object = ObjectBuilder::new();
        for field in e.fields.split_whitespace() {
            let (name, ty) = field.split_once(':').unwrap_or((field, "string"));
            let required = ty.ends_with('!');
            let ty = match ty.trim_end_matches('!') {
                "integer" => Type::Integer,
                "boolean" => Type::Boolean,
                _ => Type::String,
            };
            object = object.property(name, ObjectBuilder::new().schema_type(ty));
            if required {
                object = object.required(name);
            }
        }
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(utoipa::openapi::Required::True))
                .content(
                    "application/x-www-form-urlencoded",
                    ContentBuilder::new()
                        .schema(Some(Schema::Object(object.build())))
                        .build(),
                )
                .build(),
        ));
    }
    op.build()
}

fn responses(e: &Endpoint, needs_session: bool) -> utoipa::openapi::Responses {
    let json = |ty: Type| {
        ContentBuilder::new()
            .schema(Some(Schema::Object(
                ObjectBuilder::new().schema_type(ty).build(),
            )))
            .build()
    };
    let ok = match e.answer {
        Answer::Nothing => ResponseBuilder::new()
            .description("Done (null; a form posted without scripts is redirected)")
            .content("application/json", json(Type::Null)),
        Answer::Job => ResponseBuilder::new()
            .description("The started job's id: follow it with /api/jobs/watch")
            .content("application/json", json(Type::Integer)),
        Answer::Json(shape, what) => ResponseBuilder::new()
            .description(what)
            .content("application/json", json(shape.schema_type())),
        Answer::Lines(what) => ResponseBuilder::new()
            .description(format!("A live stream of JSON lines: {what}"))
            .content("text/plain", json(Type::String)),
    };
    let error = |what: &str| {
        ResponseBuilder::new()
            .description(what)
            .content("text/plain", json(Type::String))
            .build()
    };
    let mut r = ResponsesBuilder::new()
        .response("200", ok.build())
        .response(
            "400",
            error("The fields are missing or malformed: the sentence says which"),
        )
        .response("404", error("What it names does not exist"))
        .response(
            "409",
            error("It contradicts the state (a name taken, a job running, a plan gone stale)"),
        )
        .response(
            "429",
            error("Too many attempts: Retry-After says when to try again"),
        )
        .response(
            "503",
            error("The console or its back end cannot answer now"),
        );
    if needs_session {
        r = r
            .response("401", error("No session, or it ended: log in"))
            .response("403", error("This session's role may not do this"));
    }
    r.build()
}

/// `GET /api/openapi.json`.
pub async fn serve() -> axum::response::Response {
    use axum::response::IntoResponse;
    match document().to_json() {
        Ok(json) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            json,
        )
            .into_response(),
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
