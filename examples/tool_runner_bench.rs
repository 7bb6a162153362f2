//! The tool runner's cost per step against a hand-written loop doing the same calls, side by
//! side in one process.
//!
//! ```text
//! cargo run --release --example tool_runner_bench -- [--conversations N] [--rounds R]
//! ```
//!
//! Each conversation is two steps against a local canned server (`support::start_tool_server`,
//! on its own thread): a `tool_use` of `get_weather`, then, once a `tool_result` is sent, the
//! final answer. The contenders run on one current-thread runtime, so the CPU time of this
//! thread (`/proc/thread-self/schedstat`, nanoseconds) is all of their client-side work: the
//! server's thread is not counted. Rounds alternate who goes first; the figures are the
//! medians of the per-round CPU per step and of the per-round ratios.
//!
//! Both do, per conversation: `create` the request, run `get_weather` on each call
//! (deserializing its input into the same struct), send the results as one user turn, and
//! repeat until `end_turn`; both keep each step's request IDs and add up the usage. The
//! runner adds its machinery: the tool registry, the boxed handler futures, panic catching,
//! bounded concurrency and the step stream.

use std::time::Instant;

use anthropic_aws::Client;
use anthropic_aws::helpers::tools::Tool;
use anthropic_aws::types::{
    ContentBlockParam, Message, MessageCreateParams, MessageParam, StopReason, ToolResultBlockParam,
};

#[path = "../benches/support/mod.rs"]
mod support;

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct WeatherInput {
    /// A city name.
    city: String,
    /// `celsius` or `fahrenheit`.
    unit: Option<String>,
}

async fn get_weather(input: WeatherInput) -> Result<String, std::io::Error> {
    let unit = input.unit.as_deref().unwrap_or("celsius");
    Ok(format!("18 degrees {unit} and sunny in {}", input.city))
}

fn params() -> MessageCreateParams {
    MessageCreateParams::new(
        "claude-opus-4-8",
        1024,
        vec![MessageParam::user(
            "I am flying to Paris tomorrow morning for a three-day conference. What should I \
             pack for the weather, and do I need an umbrella?",
        )],
    )
    .system("You are a concise travel assistant. Use the tools to check facts.")
}

/// What a conversation gave back: steps, output tokens, whether every step had both IDs.
struct Outcome {
    steps: u64,
    output_tokens: u64,
    both_ids: bool,
}

async fn with_runner(client: &Client, tool: &Tool) -> Outcome {
    let result = client
        .messages()
        .tool_runner(params())
        .tool(tool.clone())
        .run()
        .await
        .expect("run");
    assert_eq!(result.stop_reason, Some(StopReason::EndTurn));
    Outcome {
        steps: result.steps().len() as u64,
        output_tokens: result.total_usage().output_tokens,
        both_ids: result
            .steps()
            .iter()
            .all(|s| s.aws_request_id().is_some() && s.anthropic_request_id().is_some()),
    }
}

async fn by_hand(client: &Client, tool: &Tool) -> Outcome {
    let mut params = params().tool(tool.definition().clone());
    let mut ids: Vec<(Option<String>, Option<String>)> = Vec::new();
    let (mut input_tokens, mut output_tokens) = (0, 0);
    loop {
        let message = client.messages().create(&params).await.expect("create");
        ids.push((
            message.aws_request_id().map(str::to_owned),
            message.anthropic_request_id().map(str::to_owned),
        ));
        input_tokens += message.usage.input_tokens;
        output_tokens += message.usage.output_tokens;
        if message.stop_reason != Some(StopReason::ToolUse) {
            break;
        }
        let message = Message::clone(&message);
        let mut results = Vec::new();
        for call in message.tool_uses() {
            let input: WeatherInput = serde_json::from_value(call.input.clone()).expect("input");
            let output = get_weather(input).await.expect("weather");
            results.push(ContentBlockParam::ToolResult(
                ToolResultBlockParam::new(call.id.clone()).content(output),
            ));
        }
        params.messages.push(message.into());
        params.messages.push(MessageParam::user(results));
    }
    assert!(input_tokens > 0);
    Outcome {
        steps: ids.len() as u64,
        output_tokens,
        both_ids: ids.iter().all(|(a, b)| a.is_some() && b.is_some()),
    }
}

fn main() {
    let mut conversations = 1000_u64;
    let mut rounds = 9_usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--conversations" => conversations = value.parse().expect("--conversations N"),
            "--rounds" => rounds = value.parse().expect("--rounds R"),
            other => panic!("unknown flag {other}; usage: [--conversations N] [--rounds R]"),
        }
    }
    let addr = support::start_tool_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = Client::builder()
            .base_url(format!("http://{addr}"))
            .region(support::REGION)
            .workspace_id(support::WORKSPACE)
            .access_key(support::ACCESS_KEY, support::SECRET_KEY)
            .session_token(support::SESSION_TOKEN)
            .max_retries(0)
            .build()
            .await
            .expect("client");
        let tool = Tool::new("get_weather", "Get the weather in a city", get_weather);

        // A warm-up of each, not counted (connections, caches, allocator).
        for _ in 0..conversations / 10 {
            with_runner(&client, &tool).await;
            by_hand(&client, &tool).await;
        }

        let started = Instant::now();
        let (mut runner_us, mut hand_us, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let mut per_step = [0.0; 2];
            let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for who in order {
                let before = support::thread_cpu_ns();
                let (mut steps, mut tokens, mut ok) = (0, 0, true);
                for _ in 0..conversations {
                    let outcome = if who == 0 {
                        with_runner(&client, &tool).await
                    } else {
                        by_hand(&client, &tool).await
                    };
                    steps += outcome.steps;
                    tokens += outcome.output_tokens;
                    ok &= outcome.both_ids;
                }
                let cpu = support::thread_cpu_ns() - before;
                assert!(ok, "every step carried both IDs");
                assert_eq!(steps, 2 * conversations, "two steps per conversation");
                assert_eq!(tokens, 79 * conversations, "58 + 21 output tokens each");
                per_step[who] = cpu as f64 / steps as f64 / 1000.0;
            }
            println!(
                "round {round}: runner {:7.1} µs cpu/step   hand-written {:7.1} µs cpu/step   ratio {:.3}",
                per_step[0],
                per_step[1],
                per_step[0] / per_step[1]
            );
            runner_us.push(per_step[0]);
            hand_us.push(per_step[1]);
            ratios.push(per_step[0] / per_step[1]);
        }
        let (r, h) = (support::median(runner_us), support::median(hand_us));
        println!(
            "{rounds} rounds of {conversations} conversations (2 steps each) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        println!(
            "median cpu per step: runner {r:.1} µs, hand-written {h:.1} µs; ratio of medians {:.3}, median of round ratios {:.3}",
            r / h,
            support::median(ratios)
        );
    });
}
