//! Strings, integers and numbers within their schema's `format`, length
//! and bounds.

use serde_json::{Map, Number, Value};

use super::MAX_NODES;

/// A string for `obj`: by `format`, else `example` (`example-N` for the
/// N-th sibling), padded or cut to `minLength`/`maxLength` characters.
pub(super) fn string(obj: &Map<String, Value>, variant: u64) -> Value {
    let formatted = match obj.get("format").and_then(Value::as_str) {
        Some("date-time") => Some(format!("2024-01-{:02}T00:00:00Z", 1 + variant % 28)),
        Some("date") => Some(format!("2024-01-{:02}", 1 + variant % 28)),
        Some("time") => Some(format!("00:00:{:02}Z", variant % 60)),
        Some("email") => Some(format!("user{variant}@example.com")),
        Some("uuid") => Some(format!("00000000-0000-4000-8000-{variant:012x}")),
        Some("uri" | "url" | "iri") => Some(format!("https://example.com/{variant}")),
        Some("hostname" | "idn-hostname") => Some(format!("host{variant}.example.com")),
        Some("ipv4") => Some(format!("192.0.2.{}", variant % 256)),
        Some("ipv6") => Some(format!("2001:db8::{:x}", variant % 0xffff)),
        Some("duration") => Some(format!("P{}D", 1 + variant)),
        _ => None,
    };
    if let Some(text) = formatted {
        return Value::String(text);
    }
    let mut text = if variant == 0 {
        "example".to_owned()
    } else {
        format!("example-{variant}")
    };
    let min = obj
        .get("minLength")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
        .min(MAX_NODES);
    let max = obj
        .get("maxLength")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok());
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = max
        && text.chars().count() > max
    {
        // Siblings keep their variant's digits (at the end), to differ.
        text = if variant == 0 {
            text.chars().take(max).collect()
        } else {
            let skip = text.chars().count() - max;
            text.chars().skip(skip).collect()
        };
    }
    Value::String(text)
}

/// One bound of a number: its value and whether it is exclusive.
type Bound = Option<(f64, bool)>;

/// The lower and upper bounds of a number schema, draft 4's boolean
/// `exclusiveMinimum` / `exclusiveMaximum` included.
pub(super) fn bounds(obj: &Map<String, Value>) -> (Bound, Bound) {
    let side = |inclusive: &str, exclusive: &str, tighter: fn(f64, f64) -> bool| {
        let plain = obj.get(inclusive).and_then(Value::as_f64);
        match obj.get(exclusive) {
            Some(Value::Bool(true)) => plain.map(|v| (v, true)),
            Some(Value::Number(n)) => match (n.as_f64(), plain) {
                (Some(e), Some(p)) if tighter(p, e) => Some((p, false)),
                (Some(e), _) => Some((e, true)),
                (None, p) => p.map(|v| (v, false)),
            },
            _ => plain.map(|v| (v, false)),
        }
    };
    (
        side("minimum", "exclusiveMinimum", |p, e| p > e),
        side("maximum", "exclusiveMaximum", |p, e| p < e),
    )
}

/// An integer for `obj`: `1 + variant`, moved into the bounds and onto
/// `multipleOf`.
pub(super) fn integer(obj: &Map<String, Value>, variant: u64) -> Value {
    let (low, high) = bounds(obj);
    let low = low.map(
        |(v, exclusive)| {
            if exclusive { v.floor() + 1.0 } else { v.ceil() }
        },
    );
    let high = high.map(
        |(v, exclusive)| {
            if exclusive { v.ceil() - 1.0 } else { v.floor() }
        },
    );
    let offset = f64::from(u32::try_from(variant % 1000).unwrap_or_default());
    let mut candidate = 1.0 + offset;
    if let Some(low) = low
        && candidate < low
    {
        candidate = low + offset;
    }
    if let Some(high) = high
        && candidate > high
    {
        candidate = (high - offset).max(low.unwrap_or(f64::MIN));
    }
    if let Some(step) = obj
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|s| *s > 0.0)
    {
        let step = if step.fract() == 0.0 { step } else { 1.0 };
        let up = (candidate / step).ceil() * step;
        candidate = match high {
            Some(high) if up > high => (high / step).floor() * step,
            _ => up,
        };
    }
    integer_value(candidate)
}

/// `v` as a JSON integer when it fits, else as a number.
pub(super) fn integer_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        // Exact: |v| < 2^53, integral.
        let i = v as i64;
        Value::Number(Number::from(i))
    } else {
        Number::from_f64(v).map_or(Value::Null, Value::Number)
    }
}

/// A number for `obj`: `1.5 + variant`, moved into the bounds and onto
/// `multipleOf`.
pub(super) fn number(obj: &Map<String, Value>, variant: u64) -> Value {
    let (low, high) = bounds(obj);
    let offset = f64::from(u32::try_from(variant % 1000).unwrap_or_default());
    let mut candidate = 1.5 + offset;
    let above = |c: f64| low.is_none_or(|(v, exclusive)| if exclusive { c > v } else { c >= v });
    let below = |c: f64| high.is_none_or(|(v, exclusive)| if exclusive { c < v } else { c <= v });
    if !above(candidate) {
        candidate = match low {
            Some((v, false)) => v + offset,
            Some((v, true)) => v + 0.5 + offset,
            None => candidate,
        };
    }
    if !below(candidate) {
        candidate = match high {
            Some((v, false)) => v,
            Some((v, true)) => v - 0.5,
            None => candidate,
        };
    }
    if !above(candidate)
        && let (Some((lo, _)), Some((hi, _))) = (low, high)
    {
        candidate = lo + (hi - lo) / 2.0;
    }
    if let Some(step) = obj
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|s| *s > 0.0)
    {
        let mut k = (candidate / step).ceil();
        if !below(k * step) {
            k = (candidate / step).floor();
        }
        if step.fract() == 0.0 {
            return integer_value(k * step);
        }
        // Round away the binary noise of k * step (0.1 * 15 = 1.5000000000000002).
        let text = format!("{:.12}", k * step);
        candidate = text.parse().unwrap_or(k * step);
    }
    Number::from_f64(candidate).map_or(Value::Null, Value::Number)
}
