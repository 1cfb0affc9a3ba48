//! The diagram as a standalone SVG document, for download: the same arrows, labels, lanes
//! and axis as the page draws, with the styles inline and a key to the colours.

use super::*;

impl DiagramModel {
    /// A standalone SVG document of what is drawn (styles inline), for download: the same
    /// arrows, labels, lanes and axis, and a key to the colours.
    pub fn to_svg(&self, title: &str) -> String {
        let key_y = self.height + 6.0;
        let height = self.height + 24.0;
        let mut out = String::new();
        out.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" \
             viewBox=\"0 0 {w:.0} {h:.0}\" font-family=\"sans-serif\" font-size=\"{TEXT_PX}\">\n",
            w = self.width,
            h = height
        ));
        out.push_str(&format!("<title>{}</title>\n", escape(title)));
        out.push_str(&format!(
            "<rect width=\"{:.0}\" height=\"{:.0}\" fill=\"#ffffff\"/>\n",
            self.width, height
        ));
        for (x, label) in &self.ticks {
            out.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{:.0}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#e2e8f0\"/>\
                 <text x=\"{x:.1}\" y=\"{TICK_Y}\" text-anchor=\"middle\" fill=\"#475569\">{}</text>\n",
                TICK_Y + 4.0,
                self.height,
                escape(label)
            ));
        }
        for lane in &self.lanes {
            for s in &lane.segments {
                out.push_str(&format!(
                    "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\" \
                     stroke-width=\"8\" stroke-opacity=\"0.2\"/>\n",
                    s.x1,
                    s.x2,
                    svg_look_colour(s.look),
                    y = lane.y
                ));
            }
        }
        for a in self.arrows.iter() {
            let title = format!(
                "{} #{} · sent {} · {} {}",
                a.kind,
                a.msg,
                time_label(self.origin_ms + a.t1),
                fate_text(a.fate),
                time_label(self.origin_ms + a.t2)
            );
            let colour = if a.selected {
                "#db2777"
            } else {
                svg_group_colour(a.group)
            };
            let dash = match a.fate {
                Fate::Dropped => " stroke-dasharray=\"3 2\"",
                Fate::InFlight => " stroke-dasharray=\"1 2\"",
                Fate::Delivered => "",
            };
            out.push_str(&format!(
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" \
                 stroke-width=\"{}\"{dash}{}><title>{}</title></line>\n",
                self.x_of(a.t1),
                a.y1,
                self.x_of(a.t2),
                a.y2,
                if a.selected { "2.8" } else { "1.3" },
                if a.future {
                    " stroke-opacity=\"0.35\""
                } else {
                    ""
                },
                escape(&title)
            ));
            out.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2\" fill=\"{colour}\"/>\n",
                self.x_of(a.t2),
                a.y2,
            ));
        }
        for l in self.labels.iter() {
            out.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"600\" \
                 fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"{}>{}</text>\n",
                self.x_of(l.t),
                l.y + LABEL_BASELINE,
                if l.selected {
                    "#db2777"
                } else {
                    svg_label_colour(l.group)
                },
                if l.future { " opacity=\"0.45\"" } else { "" },
                escape(l.text)
            ));
        }
        if let Some((v, x)) = self.violation.as_ref().and_then(|v| Some((v, v.x?))) {
            out.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{:.0}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#dc2626\" \
                 stroke-width=\"2\" stroke-dasharray=\"6 3\"/>\n<text x=\"{:.1}\" y=\"{:.0}\" \
                 text-anchor=\"{}\" font-weight=\"700\" fill=\"#dc2626\">{}</text>\n",
                TICK_Y + 4.0,
                self.height,
                if v.label_left { x - 4.0 } else { x + 4.0 },
                TICK_Y + 16.0,
                if v.label_left { "end" } else { "start" },
                escape(&v.label)
            ));
            for lane in self.lanes.iter().filter(|l| v.servers.contains(&l.sid)) {
                out.push_str(&format!(
                    "<circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"none\" stroke=\"#dc2626\" \
                     stroke-width=\"2.5\"/>\n",
                    lane.y
                ));
            }
        }
        if let Some(x) = self.cursor_x {
            out.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{:.0}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#db2777\" \
                 stroke-width=\"1.5\"/>\n",
                TICK_Y + 4.0,
                self.height
            ));
        }
        // The lane labels' column covers arrows that began before the window.
        out.push_str(&format!(
            "<rect width=\"{GUTTER}\" height=\"{:.0}\" fill=\"#ffffff\"/>\n",
            self.height
        ));
        for lane in &self.lanes {
            out.push_str(&format!(
                "<text x=\"4\" y=\"{:.1}\" font-weight=\"600\" fill=\"#0f172a\">server {}</text>\n",
                lane.y + LABEL_BASELINE,
                lane.sid
            ));
        }
        let mut x = 4.0;
        for (g, on) in KindGroup::ALL.iter().zip(self.show) {
            if !on {
                continue;
            }
            out.push_str(&format!(
                "<line x1=\"{x:.0}\" y1=\"{y:.1}\" x2=\"{:.0}\" y2=\"{y:.1}\" stroke=\"{c}\" \
                 stroke-width=\"3\"/><text x=\"{:.0}\" y=\"{:.1}\" fill=\"#0f172a\">{}</text>\n",
                x + 14.0,
                x + 18.0,
                key_y + 12.0,
                escape(g.label()),
                y = key_y + 8.0,
                c = svg_group_colour(*g),
            ));
            x += 30.0 + g.label().len() as f64 * 7.0;
        }
        out.push_str("</svg>\n");
        out
    }
}

fn svg_look_colour(look: &str) -> &'static str {
    match look {
        "looking" => "#d97706",
        "following" => "#2563eb",
        "leading" => "#059669",
        "observing" => "#7c3aed",
        _ => "#cbd5e1",
    }
}

/// Label text: the family's colour, darker, for contrast on white.
fn svg_label_colour(g: KindGroup) -> &'static str {
    match g {
        KindGroup::Election => "#92400e",
        KindGroup::Sync => "#5b21b6",
        KindGroup::Broadcast => "#115e59",
        KindGroup::Ping => "#475569",
    }
}

fn svg_group_colour(g: KindGroup) -> &'static str {
    match g {
        KindGroup::Election => "#d97706",
        KindGroup::Sync => "#7c3aed",
        KindGroup::Broadcast => "#0f766e",
        KindGroup::Ping => "#94a3b8",
    }
}

/// XML text escaping.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
