//! The receipt (қолхат / расписка) for a registered request, as PDF in the applicant's
//! language — the fields regulation 004 lists: number and date of registration, the service,
//! the number and names of the attached documents, the due date and where the result comes,
//! the applicant's name and phone, and the provider.
//!
//! Text is set in DejaVu Sans (bundled: it has every Kazakh letter), subset into the PDF.

use printpdf::{
    FontId, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    TextItem,
};
use std::sync::OnceLock;

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// What the receipt (or a result document, which has the same plain layout) says, already in
/// the applicant's language.
pub struct Receipt {
    pub title: String,
    /// (label, value) lines in order.
    pub lines: Vec<(String, String)>,
    /// The attached documents, one per line under their own label.
    pub documents_label: String,
    pub documents: Vec<String>,
    pub footer: String,
}

fn fonts() -> &'static (ParsedFont, ParsedFont) {
    static FONTS: OnceLock<(ParsedFont, ParsedFont)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let parse = |bytes| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                .expect("the bundled DejaVu fonts parse")
        };
        (parse(REGULAR), parse(BOLD))
    })
}

/// Greedy word wrap to `width` characters (DejaVu Sans at these sizes fits ~85 per line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

struct Writer {
    ops: Vec<Op>,
    y: f32,
    regular: FontId,
    bold: FontId,
}

impl Writer {
    fn text(&mut self, font: &FontId, size: f32, x: f32, text: &str) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(self.y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn paragraph(&mut self, bold: bool, size: f32, x: f32, text: &str, width: usize) {
        let font = if bold {
            self.bold.clone()
        } else {
            self.regular.clone()
        };
        for line in wrap(text, width) {
            self.text(&font, size, x, &line);
            self.y -= size * 0.5;
        }
    }
}

/// The receipt as PDF bytes (A4).
pub fn render(r: &Receipt) -> Vec<u8> {
    let (regular, bold) = fonts();
    let mut doc = PdfDocument::new(&r.title);
    let mut w = Writer {
        ops: Vec::new(),
        y: 270.0,
        regular: doc.add_font(regular),
        bold: doc.add_font(bold),
    };
    w.paragraph(true, 16.0, 20.0, &r.title, 60);
    w.y -= 6.0;
    for (label, value) in &r.lines {
        w.paragraph(true, 10.0, 20.0, label, 90);
        w.paragraph(false, 11.0, 25.0, value, 78);
        w.y -= 3.0;
    }
    if !r.documents_label.is_empty() {
        w.paragraph(true, 10.0, 20.0, &r.documents_label, 90);
    }
    for (i, d) in r.documents.iter().enumerate() {
        w.paragraph(false, 11.0, 25.0, &format!("{}. {d}", i + 1), 78);
    }
    w.y -= 6.0;
    w.paragraph(false, 9.0, 20.0, &r.footer, 100);
    let page = PdfPage::new(Mm(210.0), Mm(297.0), w.ops);
    doc.with_pages(vec![page])
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_at_words_and_keeps_every_word() {
        let text = "Жетім балаға (жетім балаларға) және ата-анасының қамқорлығынсыз қалған балаға қамқоршылық белгілеу";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 10), vec![String::new()]);
    }
}
