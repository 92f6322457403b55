//! Extractors whose rejections are [`ApiError`]s, so that even a request the server cannot
//! read gets an answer in the problem format the client understands.

use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// `axum::Json` with our rejections: 400 for malformed JSON, 415 for another content
/// type, 413 for a body over the limit. Also usable as a response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(request, state).await?;
        Ok(Json(value))
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path` whose rejection is a 400 problem (an id that is not a UUID, a
/// part number that is not a number).
#[derive(Debug, Clone, Copy, Default)]
pub struct Path<T>(pub T);

/// `axum::extract::Query` whose rejection is a 400 problem naming what could not be read.
/// A handler that checks who may ask before it reads the query takes
/// `Result<Query<T>, ApiError>` and answers the refusal first.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

/// Our `$name` reads as axum's, and what axum cannot read is `malformed_request`, with
/// axum's words for what was wrong.
macro_rules! malformed_is_a_problem {
    ($name:ident) => {
        impl<T, S> axum::extract::FromRequestParts<S> for $name<T>
        where
            T: DeserializeOwned + Send,
            S: Send + Sync,
        {
            type Rejection = ApiError;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                match axum::extract::$name::<T>::from_request_parts(parts, state).await {
                    Ok(axum::extract::$name(value)) => Ok($name(value)),
                    Err(rejection) => {
                        Err(ApiError::MalformedRequest { detail: rejection.body_text() })
                    }
                }
            }
        }
    };
}

malformed_is_a_problem!(Path);
malformed_is_a_problem!(Query);
