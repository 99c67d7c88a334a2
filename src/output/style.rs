//! How tables look: rex's table style, the screen's width and height, colours, and times
//! relative to now.

use std::io::{self, IsTerminal};

use comfy_table::{presets, ContentArrangement, Table, TableComponent};

/// How tables are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub terminal: bool,
    /// The widest a line may be; None for `-o wide` (every column at full width).
    pub width: Option<usize>,
    /// Now, for times shown relative to it (`3d ago`).
    pub now: chrono::DateTime<chrono::Utc>,
    /// Whether the terminal shows 24-bit colour (`COLORTERM`); else the nearest of 256.
    pub truecolor: bool,
}

impl Style {
    /// A table in rex's look, without a width.
    pub fn bare_table(&self) -> Table {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_HORIZONTAL_ONLY);
        for line in [
            TableComponent::HorizontalLines,
            TableComponent::MiddleIntersections,
            TableComponent::LeftBorderIntersections,
            TableComponent::RightBorderIntersections,
        ] {
            t.remove_style(line);
        }
        if self.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        t
    }

    /// A table in rex's look that wraps to the width available (free text wraps).
    pub fn table(&self) -> Table {
        let mut t = self.bare_table();
        if let Some(w) = self.width {
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_width(w.min(u16::MAX as usize) as u16);
        }
        t
    }

    /// A stage's own colour as the terminal can show it; None without colour.
    pub fn stage_color(&self, hex: &str) -> Option<comfy_table::Color> {
        if !self.color {
            return None;
        }
        let n = u32::from_str_radix(hex.strip_prefix('#')?, 16).ok()?;
        let (r, g, b) = ((n >> 16) as u8, (n >> 8) as u8, n as u8);
        Some(if self.truecolor {
            comfy_table::Color::Rgb { r, g, b }
        } else {
            comfy_table::Color::AnsiValue(nearest_256(r, g, b))
        })
    }

    /// A time as a person reads it: local (TZ), to the minute, and how long ago.
    pub fn time(&self, stored: &str) -> String {
        match crate::clock::parse_timestamp(stored) {
            None => stored.to_string(),
            Some(t) => format!("{} ({})", self.short_time(stored), relative(self.now - t)),
        }
    }

    /// A time, local and short, without how long ago (for columns).
    pub fn short_time(&self, stored: &str) -> String {
        match crate::clock::parse_timestamp(stored) {
            None => stored.to_string(),
            Some(t) => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        }
    }
}

/// The widest a table line may be: the terminal's width on a terminal (when it reports a
/// usable one); otherwise `COLUMNS` when set, else 100.
pub(super) fn screen_width(terminal: bool) -> usize {
    let reported = terminal
        .then(|| terminal_size::terminal_size_of(io::stdout()))
        .flatten()
        .map(|(w, _)| usize::from(w.0))
        .filter(|w| *w >= 20);
    reported
        .or_else(|| {
            std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|w| *w >= 20)
        })
        .unwrap_or(if terminal { 80 } else { 100 })
}

/// The terminal's height in lines, when stdout is one that reports it.
pub fn screen_height() -> Option<usize> {
    io::stdout()
        .is_terminal()
        .then(|| terminal_size::terminal_size_of(io::stdout()))
        .flatten()
        .map(|(_, h)| usize::from(h.0))
        .filter(|h| *h >= 5)
}

/// The nearest colour of the 256-colour palette's 6x6x6 cube or grey ramp.
pub fn nearest_256(r: u8, g: u8, b: u8) -> u8 {
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let level = |v: u8| {
        (0..6)
            .min_by_key(|i| (i32::from(LEVELS[*i]) - i32::from(v)).abs())
            .unwrap_or(0) as u8
    };
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (
        LEVELS[ri as usize],
        LEVELS[gi as usize],
        LEVELS[bi as usize],
    );
    let grey_level = ((u32::from(r) + u32::from(g) + u32::from(b)) / 3) as u8;
    let gi_ramp = (i32::from(grey_level) - 8).clamp(0, 230) / 10;
    let grey = (8 + 10 * gi_ramp) as u8;
    let dist = |(a, b2, c): (u8, u8, u8)| {
        let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2);
        d(a, r) + d(b2, g) + d(c, b)
    };
    if dist((grey, grey, grey)) < dist(cube) {
        232 + gi_ramp as u8
    } else {
        16 + 36 * ri + 6 * gi + bi
    }
}

/// `3d ago`, `in 2h`, `now`: a duration as people say it, to the largest whole unit.
pub fn relative(since: chrono::TimeDelta) -> String {
    let secs = since.num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs < 0);
    let amount = match n {
        0..=59 => return "now".into(),
        60..=3599 => format!("{}m", n / 60),
        3600..=86_399 => format!("{}h", n / 3600),
        86_400..=5_183_999 => format!("{}d", n / 86_400),
        5_184_000..=63_071_999 => format!("{}mo", n / 2_592_000),
        _ => format!("{}y", n / 31_536_000),
    };
    if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}
