//! rex's integration tests: one binary (one link step) with a module per area.
//! Every test drives the real `rex` binary against its own temporary database.

mod api;
mod completion;
mod corpus;
mod crm;
mod crm_strict;
mod deal;
mod deal_rules;
mod fields;
mod forecast;
mod help;
mod import_map;
mod import_read;
mod import_stages;
mod imports;
mod json_contract;
mod layering;
mod output;
mod paths;
mod pipeline;
mod readme;
mod references;
mod reliability;
mod safeguards;
mod schema;
mod scripting;
mod server;
mod slow_input;
mod sqlite_only;
mod stalled;
mod support;
mod team;
mod terminal;
mod today;
mod token;
mod totals;
