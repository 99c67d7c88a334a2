//! `rex pipeline …`: reads the flags' `NAME:#RRGGBB` and `STAGE=VALUE` forms into
//! [`ops::pipeline`]'s input, runs the operation and prints the pipeline.

use super::{confirm, print_saved, Ctx};
use crate::cli::PipelineUpdate;
use crate::error::{Error, Result};
use crate::ops::pipeline::{self as ops, NewPipeline, NewStage, PipelineChanges};
use crate::output::Confirmation;
use crate::record::{Color, Probability, StageStall};

pub fn create(
    ctx: &mut Ctx,
    name: String,
    stages: &[String],
    stall_days: u32,
    stage_probability: &[String],
) -> Result<()> {
    let new = NewPipeline {
        name,
        stages: stages
            .iter()
            .map(|s| stage_spec(s))
            .collect::<Result<_>>()?,
        stall_days,
        probabilities: probabilities(stage_probability)?,
    };
    let clock = ctx.clock;
    let view = ctx.store.write(|tx| ops::create(tx, &clock, &new))?;
    print_saved(ctx.out.one(&view), || format!("new pipeline {}", view.id))
}

pub fn list(ctx: &mut Ctx) -> Result<()> {
    let rows = ctx.store.read(|tx| ops::list(tx))?;
    ctx.out.list(rows)
}

pub fn show(ctx: &mut Ctx, pipeline: &str) -> Result<()> {
    let view = ctx.store.read(|tx| ops::show(tx, pipeline))?;
    ctx.out.one(&view)
}

pub fn update(ctx: &mut Ctx, c: &PipelineUpdate) -> Result<()> {
    let changes = changes(c)?;
    let clock = ctx.clock;
    let view = ctx
        .store
        .write(|tx| ops::update(tx, &clock, &c.pipeline, &changes))?;
    print_saved(ctx.out.one(&view), || {
        format!("the update of pipeline {}", view.id)
    })
}

pub fn delete(ctx: &mut Ctx, pipeline: &str, yes: bool) -> Result<()> {
    let found = ctx.store.read(|tx| ops::deletable(tx, pipeline))?;
    confirm(
        yes,
        &Confirmation::new("Delete pipeline '")
            .name(&found.name)
            .text(&format!("' and its {} stages", found.stages.len())),
        &format!("refusing to delete pipeline '{}'", found.name),
    )?;
    ctx.store.write(|tx| ops::delete(tx, found.id))?;
    ctx.out.done(
        &crate::output::Confirmation::new("deleted pipeline '")
            .name(&found.name)
            .text("'"),
    );
    Ok(())
}

/// The changes of `pipeline update`, read from its flags.
fn changes(c: &PipelineUpdate) -> Result<PipelineChanges> {
    let pairs = |flag: &str, texts: &[String], example: &str| -> Result<Vec<(String, String)>> {
        texts
            .iter()
            .map(|t| pair(flag, t, example).map(|(k, v)| (k.to_string(), v.to_string())))
            .collect()
    };
    Ok(PipelineChanges {
        name: c.name.clone(),
        stall_days: c.stall_days,
        rename_stages: pairs("--rename-stage", &c.rename_stage, "OLD=NEW")?,
        recolor_stages: c
            .recolor_stage
            .iter()
            .map(|r| {
                let (stage, color) = pair("--recolor-stage", r, "STAGE=#RRGGBB")?;
                let color = color.parse::<Color>().map_err(Error::Usage)?;
                Ok((stage.to_string(), color))
            })
            .collect::<Result<_>>()?,
        at: c.at,
        add_stages: c
            .add_stage
            .iter()
            .map(|a| stage_spec(a))
            .collect::<Result<_>>()?,
        move_stages: pairs("--move-stage", &c.move_stage, "STAGE=POSITION")?,
        remove_stages: c.remove_stage.clone(),
        move_deals_to: c.move_deals_to.clone(),
        stage_stall_days: c
            .stage_stall_days
            .iter()
            .map(|s| stage_stall(s))
            .collect::<Result<_>>()?,
        probabilities: probabilities(&c.stage_probability)?,
    })
}

/// Reads `--stage-stall-days STAGE=N|none|default`.
fn stage_stall(s: &str) -> Result<(String, StageStall)> {
    let (stage, days) = pair(
        "--stage-stall-days",
        s,
        "STAGE=N, STAGE=none or STAGE=default",
    )?;
    let setting = match days.to_ascii_lowercase().as_str() {
        "none" => StageStall::Off,
        "default" => StageStall::Pipeline,
        n => match n.parse::<u32>() {
            Ok(n) if (1..=36500).contains(&n) => StageStall::Days(n),
            _ => {
                return Err(Error::usage(format!(
                    "--stage-stall-days '{s}': use a number of days from 1 to 36500, none (never stalls) or default (the pipeline's period)"
                )))
            }
        },
    };
    Ok((stage.to_string(), setting))
}

/// Reads `--stage-probability STAGE=N` settings.
fn probabilities(settings: &[String]) -> Result<Vec<(String, Probability)>> {
    settings
        .iter()
        .map(|s| {
            let (stage, n) = pair("--stage-probability", s, "STAGE=N")?;
            let probability = n
                .parse::<Probability>()
                .map_err(|e| Error::usage(format!("--stage-probability '{s}': {e}")))?;
            Ok((stage.to_string(), probability))
        })
        .collect()
}

/// Parses `NAME` or `NAME:#RRGGBB`. What follows the last `:` is a colour when it starts with
/// `#` or is one word (so `A:red` is refused rather than named "A:red"); `Phase: Demo` is a name.
fn stage_spec(text: &str) -> Result<NewStage> {
    match text.rsplit_once(':') {
        Some((name, color))
            if color.trim_start().starts_with('#')
                || !(color.is_empty() || color.contains(char::is_whitespace)) =>
        {
            let color = color.trim().parse::<Color>().map_err(Error::Usage)?;
            Ok(NewStage {
                name: name.to_string(),
                color: Some(color),
                ..Default::default()
            })
        }
        _ => Ok(NewStage {
            name: text.to_string(),
            ..Default::default()
        }),
    }
}

/// Splits `STAGE=VALUE` for the flag named `flag`.
fn pair<'a>(flag: &str, text: &'a str, example: &str) -> Result<(&'a str, &'a str)> {
    text.rsplit_once('=')
        .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
        .map(|(k, v)| (k.trim(), v.trim()))
        .ok_or_else(|| Error::usage(format!("{flag} '{text}' is not of the form {example}")))
}
