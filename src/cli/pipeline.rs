//! `rex pipeline`: create, list, show, update and delete pipelines and their stages.

use clap::{Args, Subcommand};

use super::pipeline_values;

#[derive(Debug, Subcommand)]
pub enum PipelineCommand {
    /// Create a pipeline (default stages Discovery, Qualification ... Closed)
    #[command(after_help = "Examples:\n  rex pipeline create \"Sales Pipeline\"\n  \
        rex pipeline create Resale --stage Intro:#4f9dde --stage Pilot --stall-days 45")]
    Create {
        /// The pipeline's name (unique, ignoring case)
        name: String,
        /// A stage, in order: NAME or NAME:#RRGGBB (repeat for each stage)
        #[arg(long = "stage", value_name = "NAME[:#RRGGBB]")]
        stages: Vec<String>,
        /// Days without activity after which an open deal is stalled
        #[arg(long, value_name = "N", default_value_t = crate::record::DEFAULT_STALL_DAYS, value_parser = clap::value_parser!(u32).range(1..=36500))]
        stall_days: u32,
        /// A stage's chance of winning in percent, 0 to 100 (repeatable) [default: the
        /// default stages' own (Discovery 10 ... Closed 90), 100 for stages named here]
        #[arg(
            long = "stage-probability",
            value_name = "STAGE=N",
            allow_hyphen_values = true
        )]
        stage_probability: Vec<String>,
    },
    /// List pipelines with their stage count and open deals
    #[command(after_help = "Examples:\n  rex pipeline list\n  rex pipeline list --json")]
    List,
    /// Show a pipeline's stages in order, with their open and stalled deals
    #[command(
        after_help = "Examples:\n  rex pipeline show \"Sales Pipeline\"\n  rex pipeline show sales -o json"
    )]
    Show {
        /// Pipeline id or name
        #[arg(add = pipeline_values())]
        pipeline: String,
    },
    /// Rename a pipeline, change its stall period, or edit its stages
    #[command(after_long_help = "\
When one call makes several changes they apply in this order, all in one transaction:
  --name, --stall-days, --rename-stage, --recolor-stage, --add-stage, --move-stage,
  --remove-stage, --stage-stall-days.
Stage positions always stay contiguous from 0.

Examples:
  rex pipeline update Sales --add-stage Demo:#8e6bd8 --at 2
  rex pipeline update Sales --rename-stage Demo=Trial --move-stage Trial=1
  rex pipeline update Sales --remove-stage Trial --move-deals-to Proposal
  rex pipeline update Sales --stage-stall-days Negotiation=60
  rex pipeline update Sales --stage-stall-days Closed=none")]
    Update(PipelineUpdate),
    /// Delete a pipeline that holds no deals
    #[command(
        after_help = "Examples:\n  rex pipeline delete Partners\n  rex pipeline delete Partners --yes   # without a terminal"
    )]
    Delete {
        /// Pipeline id or name
        #[arg(add = pipeline_values())]
        pipeline: String,
        /// Do not ask for confirmation (required without a terminal)
        #[arg(short, long)]
        yes: bool,
    },
}

/// `rex pipeline update`: every change of one call, applied in one transaction.
#[derive(Debug, Args)]
pub struct PipelineUpdate {
    /// Pipeline id or name
    pub pipeline: String,
    /// New name for the pipeline
    #[arg(long, value_name = "NEW")]
    pub name: Option<String>,
    /// Days without activity after which an open deal is stalled
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub stall_days: Option<u32>,
    /// Add a stage (at the end unless --at is given)
    #[arg(long = "add-stage", value_name = "NAME[:#RRGGBB]")]
    pub add_stage: Vec<String>,
    /// Position for the added stage (0 is first)
    #[arg(long, value_name = "POSITION", requires = "add_stage")]
    pub at: Option<u32>,
    /// Rename a stage
    #[arg(long = "rename-stage", value_name = "OLD=NEW")]
    pub rename_stage: Vec<String>,
    /// Change a stage's colour
    #[arg(long = "recolor-stage", value_name = "STAGE=#RRGGBB")]
    pub recolor_stage: Vec<String>,
    /// Move a stage to another position (0 is first)
    #[arg(long = "move-stage", value_name = "STAGE=POSITION")]
    pub move_stage: Vec<String>,
    /// Remove a stage (refused while it holds deals, unless --move-deals-to is given)
    #[arg(long = "remove-stage", value_name = "STAGE")]
    pub remove_stage: Vec<String>,
    /// Where the deals of removed stages go
    #[arg(
        long = "move-deals-to",
        value_name = "STAGE",
        requires = "remove_stage"
    )]
    pub move_deals_to: Option<String>,
    /// A stage's own stall period: STAGE=N days, STAGE=none (never stalls) or STAGE=default
    #[arg(long = "stage-stall-days", value_name = "STAGE=N|none|default")]
    pub stage_stall_days: Vec<String>,
    /// A stage's chance of winning in percent, 0 to 100 (repeatable)
    #[arg(
        long = "stage-probability",
        value_name = "STAGE=N",
        allow_hyphen_values = true
    )]
    pub stage_probability: Vec<String>,
}
