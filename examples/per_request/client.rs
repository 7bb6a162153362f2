//! The client contender: `client.messages().create(&params)` through the public API.

use std::sync::Arc;

use anthropic_aws::Client;

use crate::{ACCESS_KEY, REGION, SECRET_KEY, SESSION_TOKEN, Tally, WORKSPACE, drive, params};

pub async fn run(url: &str, n: usize, concurrency: usize, keep_handles: bool, tally: &Arc<Tally>) {
    let client = Client::builder()
        .base_url(url)
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET_KEY)
        .session_token(SESSION_TOKEN)
        .max_retries(0)
        .build()
        .await
        .expect("client");
    let params = Arc::new(params());
    drive(n, concurrency, keep_handles, || {
        let (client, params, tally) = (client.clone(), Arc::clone(&params), Arc::clone(tally));
        async move {
            let message = client.messages().create(&params).await.expect("create");
            let both =
                message.aws_request_id().is_some() && message.anthropic_request_id().is_some();
            tally.add(both, message.usage.output_tokens);
        }
    })
    .await;
}

/// The size of the future `create()` returns (nothing is sent), for `per_request sizes`; prints
/// the sizes of the types that travel with it.
pub async fn future_size(url: &str) -> usize {
    let client = Client::builder()
        .base_url(url)
        .region(REGION)
        .workspace_id(WORKSPACE)
        .access_key(ACCESS_KEY, SECRET_KEY)
        .build()
        .await
        .expect("client");
    let params = params();
    let messages = client.messages();
    let future = messages.create(&params);
    let size = std::mem::size_of_val(&future);
    println!(
        "Message {} B, Response<Message> {} B, Error {} B, Result {} B, MessageCreateParams {} B",
        std::mem::size_of::<anthropic_aws::types::Message>(),
        std::mem::size_of::<anthropic_aws::Response<anthropic_aws::types::Message>>(),
        std::mem::size_of::<anthropic_aws::Error>(),
        std::mem::size_of::<
            Result<anthropic_aws::Response<anthropic_aws::types::Message>, anthropic_aws::Error>,
        >(),
        std::mem::size_of::<anthropic_aws::types::MessageCreateParams>(),
    );
    size
}
