//! A first guess at each column's role from its name and its first values, so the app's column
//! table starts close to right; the user corrects it.

use super::preview::Preview;
use super::role::ColumnRole;

/// The guessed role of each column of `preview`: the first column named like a label (`click`,
/// `label`, `rating`, …) is the outcome, one named like a user the user, one named like an item
/// the item, one named like a time the time, a column of numbers a numeric input, any other a
/// categorical input.
pub fn guess_roles(preview: &Preview) -> Vec<ColumnRole> {
    let lower: Vec<String> = preview.columns.iter().map(|c| c.to_lowercase()).collect();
    let numeric = |j: usize| {
        !preview.rows.is_empty()
            && preview
                .rows
                .iter()
                .all(|r| r.get(j).is_some_and(|v| v.trim().parse::<f64>().is_ok()))
    };
    let first = |words: &[&str]| {
        lower.iter().position(|c| {
            words
                .iter()
                .any(|w| c == w || (w.len() > 2 && c.contains(w)))
        })
    };
    let outcome = first(&["click", "label", "rating", "outcome", "target", "like", "y"]);
    let user = first(&["user"]);
    let item = first(&["item", "video", "song", "movie", "product"]);
    let time = first(&["timestamp", "time", "date", "ts"]);
    (0..preview.columns.len())
        .map(|j| {
            let is = |o: Option<usize>| o == Some(j);
            if is(outcome) {
                ColumnRole::Outcome
            } else if is(user) {
                ColumnRole::User
            } else if is(item) {
                ColumnRole::Item
            } else if is(time) && numeric(j) {
                ColumnRole::Time
            } else if numeric(j) {
                ColumnRole::Numeric
            } else {
                ColumnRole::Categorical
            }
        })
        .collect()
}
