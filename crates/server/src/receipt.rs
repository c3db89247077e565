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
    /// The document's language: set as the PDF's `/Lang`, so a screen reader reads it right.
    pub lang: qyzmet_domain::Lang,
    pub title: String,
    /// (label, value) lines in order.
    pub lines: Vec<(String, String)>,
    /// The attached documents, one per line under their own label.
    pub documents_label: String,
    pub documents: Vec<String>,
    pub footer: String,
    /// Where anyone holding the paper checks it: drawn as a QR code with the address and the
    /// short code beside it.
    pub verification: Option<Verification>,
}

/// The check printed at the end of every document (`/verify/<code>`).
pub struct Verification {
    /// "Check this document: scan the QR code or open", in the document's language.
    pub label: String,
    /// The page the QR code opens: `<origin>/verify/<code>`.
    pub url: String,
    /// "Document code: XXXXX-XXXXX", in the document's language.
    pub code_line: String,
}

/// The QR code's side on paper: large enough for a phone's camera at arm's length.
const QR_SIDE: f32 = 30.0;

/// A4 in millimetres, and the margin every glyph stays inside on all four sides.
pub const PAGE_WIDTH: f32 = 210.0;
pub const PAGE_HEIGHT: f32 = 297.0;
pub const MARGIN: f32 = 20.0;
/// Millimetres per typographic point.
const MM_PER_PT: f32 = 25.4 / 72.0;
/// DejaVu Sans' ascender and descender, in em (hhea: 1901 and −483 of 2048 units).
const ASCENT: f32 = 0.93;
const DESCENT: f32 = 0.24;

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

/// How wide `text` is set in `font` at `size` points, in millimetres, from the font's own
/// advance widths (a character count cannot say: "Ш" is twice "і").
fn width_mm(font: &ParsedFont, size: f32, text: &str) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| {
            font.codepoint_to_glyph
                .get(&u32::from(c))
                .and_then(|gid| font.glyph_widths.get(gid))
                .map_or(u32::from(font.units_per_em) * 6 / 10, |w| u32::from(*w))
        })
        .sum();
    units as f32 / f32::from(font.units_per_em.max(1)) * size * MM_PER_PT
}

/// Greedy word wrap to `width` millimetres as set in `font` at `size`; a word longer than a
/// whole line (a file name, a long number) is broken between characters rather than let run
/// off the page. Every character is kept.
fn wrap(font: &ParsedFont, size: f32, text: &str, width: f32) -> Vec<String> {
    let fits = |s: &str| width_mm(font, size, s) <= width;
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&joined) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if !fits(&line) && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

struct Writer {
    pages: Vec<Vec<Op>>,
    y: f32,
    regular: FontId,
    bold: FontId,
}

impl Writer {
    /// One line whose baseline is the next below the cursor, on a new page when it would
    /// reach into the bottom margin.
    fn line(&mut self, font: &FontId, size: f32, x: f32, text: &str) {
        let size_mm = size * MM_PER_PT;
        let first_on_page = self.y >= PAGE_HEIGHT - MARGIN;
        let mut baseline = if first_on_page {
            PAGE_HEIGHT - MARGIN - size_mm * ASCENT
        } else {
            self.y - size_mm * 1.35
        };
        if baseline - size_mm * DESCENT < MARGIN {
            self.pages.push(Vec::new());
            baseline = PAGE_HEIGHT - MARGIN - size_mm * ASCENT;
        }
        let ops = self.pages.last_mut().expect("a page is open");
        ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(baseline)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
        self.y = baseline;
    }

    fn paragraph(&mut self, bold: bool, size: f32, x: f32, text: &str) {
        let (regular, bold_font) = fonts();
        let (id, parsed) = if bold {
            (self.bold.clone(), bold_font)
        } else {
            (self.regular.clone(), regular)
        };
        for line in wrap(parsed, size, text, PAGE_WIDTH - MARGIN - x) {
            self.line(&id, size, x, &line);
        }
    }

    /// The QR code as filled squares (each row's dark runs as one rectangle), its top left at
    /// (`x`, `top`).
    fn qr(&mut self, code: &qrcode::QrCode, x: f32, top: f32) {
        let n = code.width();
        let module = QR_SIDE / n as f32;
        let colors = code.to_colors();
        let ops = self.pages.last_mut().expect("a page is open");
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let bottom = top - (row + 1) as f32 * module;
                ops.push(Op::DrawRectangle {
                    rectangle: printpdf::Rect {
                        x: Mm(x + start as f32 * module).into(),
                        y: Mm(bottom).into(),
                        width: Mm((col - start) as f32 * module).into(),
                        height: Mm(module).into(),
                        mode: Some(printpdf::PaintMode::Fill),
                        winding_order: None,
                    },
                });
            }
        }
    }

    /// The QR code with the address and the code beside it, kept together on one page.
    fn verification(&mut self, v: &Verification) {
        let Ok(code) =
            qrcode::QrCode::with_error_correction_level(v.url.as_bytes(), qrcode::EcLevel::M)
        else {
            tracing::warn!("a verification address too long for a QR code: {}", v.url);
            return;
        };
        if self.y - QR_SIDE < MARGIN {
            self.pages.push(Vec::new());
            self.y = PAGE_HEIGHT - MARGIN;
        }
        let top = self.y;
        self.qr(&code, MARGIN, top);
        // The text starts level with the code's top.
        let text_x = MARGIN + QR_SIDE + 5.0;
        self.y = top + 9.0 * MM_PER_PT * (1.35 - ASCENT);
        self.paragraph(false, 9.0, text_x, &v.label);
        self.paragraph(false, 9.0, text_x, &v.url);
        self.paragraph(true, 11.0, text_x, &v.code_line);
        self.y = self.y.min(top - QR_SIDE);
    }

    fn gap(&mut self, mm: f32) {
        // A gap at the top of a page is not needed.
        if self.y < PAGE_HEIGHT - MARGIN {
            self.y -= mm;
        }
    }
}

/// The receipt as PDF bytes: A4, as many pages as it takes, every glyph inside the margins;
/// titled (shown as the window's title) and in its language.
pub fn render(r: &Receipt) -> Vec<u8> {
    let (regular, bold) = fonts();
    let mut doc = PdfDocument::new(&r.title);
    let mut w = Writer {
        pages: vec![Vec::new()],
        y: PAGE_HEIGHT - MARGIN,
        regular: doc.add_font(regular),
        bold: doc.add_font(bold),
    };
    w.paragraph(true, 16.0, MARGIN, &r.title);
    w.gap(4.0);
    for (label, value) in &r.lines {
        w.paragraph(true, 10.0, MARGIN, label);
        w.paragraph(false, 11.0, MARGIN + 5.0, value);
        w.gap(2.0);
    }
    if !r.documents_label.is_empty() {
        w.paragraph(true, 10.0, MARGIN, &r.documents_label);
    }
    for (i, d) in r.documents.iter().enumerate() {
        w.paragraph(false, 11.0, MARGIN + 5.0, &format!("{}. {d}", i + 1));
    }
    w.gap(4.0);
    w.paragraph(false, 9.0, MARGIN, &r.footer);
    if let Some(v) = &r.verification {
        w.gap(6.0);
        w.verification(v);
    }
    let pages = w
        .pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(PAGE_WIDTH), Mm(PAGE_HEIGHT), ops))
        .collect();
    let pdf = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut Vec::new());
    with_language(pdf, r.lang)
}

/// Sets the catalogue's `/Lang` (printpdf has no setting for it) and asks viewers to show the
/// title rather than the file name (PDF/UA). Should that fail, the PDF is served as it was.
fn with_language(pdf: Vec<u8>, lang: qyzmet_domain::Lang) -> Vec<u8> {
    let tagged = || -> lopdf::Result<Vec<u8>> {
        let mut doc = lopdf::Document::load_mem(&pdf)?;
        let catalog = doc.catalog_mut()?;
        catalog.set("Lang", lopdf::Object::string_literal(lang.code()));
        let mut preferences = lopdf::Dictionary::new();
        preferences.set("DisplayDocTitle", true);
        catalog.set("ViewerPreferences", preferences);
        let mut out = Vec::new();
        doc.save_to(&mut out)?;
        Ok(out)
    };
    tagged().unwrap_or_else(|e| {
        tracing::warn!("setting the PDF's language: {e}");
        pdf
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_at_words_to_its_measured_width_and_keeps_every_word() {
        let (regular, bold) = fonts();
        let text = "Жетім балаға (жетім балаларға) және ата-анасының қамқорлығынсыз қалған балаға қамқоршылық белгілеу";
        let lines = wrap(bold, 16.0, text, 60.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert!(
            lines.iter().all(|l| width_mm(bold, 16.0, l) <= 60.0),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap(regular, 10.0, "", 50.0), vec![String::new()]);
        // Wide letters take more room than narrow ones.
        assert!(width_mm(regular, 10.0, "ШШШШ") > 2.0 * width_mm(regular, 10.0, "іііі"));
        // A word longer than the line is broken, not lost.
        let long = "а".repeat(200);
        let lines = wrap(regular, 11.0, &long, 40.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), long);
    }

    /// A word on a page: its box (x0, y0, x1, y1 in points, origin top left) and text.
    type Word = (f32, f32, f32, f32, String);

    /// Every word's box as poppler's `pdftotext -bbox` reads it, and the number of pages.
    fn word_boxes(pdf: &[u8]) -> (Vec<Word>, usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sheet.pdf");
        std::fs::write(&path, pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-bbox", "-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils; xtask setup installs it)");
        assert!(out.status.success());
        let html = String::from_utf8(out.stdout).unwrap();
        let attr = |tag: &str, name: &str| -> f32 {
            let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            tag[at..].split('"').next().unwrap().parse().unwrap()
        };
        let pages = html.matches("<page ").count();
        let mut words = Vec::new();
        for page in html.split("<page ").skip(1) {
            let (w, h) = (attr(page, "width"), attr(page, "height"));
            assert!(
                (w - 595.28).abs() < 1.0 && (h - 841.89).abs() < 1.0,
                "not A4: {w}×{h}"
            );
            for tag in page.split("<word ").skip(1) {
                let text = tag.split('>').nth(1).unwrap().split('<').next().unwrap();
                words.push((
                    attr(tag, "xMin"),
                    attr(tag, "yMin"),
                    attr(tag, "xMax"),
                    attr(tag, "yMax"),
                    text.replace("&amp;", "&")
                        .replace("&quot;", "\"")
                        .replace("&apos;", "'")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">"),
                ));
            }
        }
        (words, pages)
    }

    /// Every document the portal draws, in every language, with the longest texts the
    /// catalogue has and more documents than a page holds: no glyph outside the margins,
    /// no word lost, language and title set.
    #[test]
    fn every_sheet_in_every_language_keeps_every_glyph_inside_the_a4_margins() {
        use qyzmet_domain::Lang;
        let catalogue =
            crate::catalogue::load_dir(std::path::Path::new(crate::DEFAULT_CATALOGUE_DIR))
                .expect("the real catalogue loads");
        let margin_pt = MARGIN / MM_PER_PT;
        let (page_w, page_h) = (PAGE_WIDTH / MM_PER_PT, PAGE_HEIGHT / MM_PER_PT);
        let kinds = [
            "receipt",
            "refusal",
            "licence",
            "certificate",
            "attestat",
            "letter_of_agreement",
            "resolution",
            "accreditation_certificate",
        ];
        for lang in Lang::ALL {
            let t = |key: &str| crate::locales::message(lang, key);
            let longest =
                |texts: Vec<String>| texts.into_iter().max_by_key(|s| s.chars().count()).unwrap();
            let service = longest(
                catalogue
                    .services
                    .iter()
                    .map(|s| s.name.get(lang).to_string())
                    .collect(),
            );
            let granted = longest(
                catalogue
                    .services
                    .iter()
                    .map(|s| s.result_description.get(lang).to_string())
                    .collect(),
            );
            let provider = longest(
                catalogue
                    .providers
                    .iter()
                    .map(|p| crate::sheets::provider_line(p, lang))
                    .collect(),
            );
            for kind in kinds {
                let (prefix, title) = if kind == "receipt" {
                    ("receipt", t("receipt.title"))
                } else {
                    ("result", t(&format!("result.title.{kind}")))
                };
                let label = |key: &str| crate::locales::message(lang, &format!("{prefix}.{key}"));
                let sheet = Receipt {
                    lang,
                    title: title.clone(),
                    lines: vec![
                        (label("number"), "2026-000123".into()),
                        (label("service"), service.clone()),
                        (label("granted"), granted.clone()),
                        (label("provider"), provider.clone()),
                        (
                            label("applicant"),
                            "Нұрланова-Жақсыбекова Айгүл Серікқызы (880315412341)".into(),
                        ),
                        (
                            label("reason"),
                            "Денсаулық туралы анықтаманың мерзімі өткен; ".repeat(12),
                        ),
                        (label("signed_by"), t("result.signed_by")),
                    ],
                    documents_label: label("documents"),
                    documents: (1..=40)
                        .map(|i| {
                            format!(
                                "{service} — құжат-{i}-аты-өте-ұзын-файл-атауы-қазақша-жазылған.pdf"
                            )
                        })
                        .collect(),
                    footer: label("footer"),
                    verification: Some(crate::sheets::verification(
                        "https://qyzmet.example.kz",
                        &qyzmet_domain::document_code::DocumentCode::from_random(0x2b_cdef_0123),
                        lang,
                    )),
                };
                let pdf = render(&sheet);
                let (words, pages) = word_boxes(&pdf);
                assert!(
                    pages >= 2,
                    "{kind} {lang:?}: forty documents need a second page"
                );
                for (x0, y0, x1, y1, word) in &words {
                    assert!(
                        *x0 >= margin_pt - 0.5
                            && *x1 <= page_w - margin_pt + 0.5
                            && *y0 >= margin_pt - 0.5
                            && *y1 <= page_h - margin_pt + 0.5,
                        "{kind} {lang:?}: {word:?} at ({x0}, {y0})–({x1}, {y1}) is outside the margins"
                    );
                }
                // Nothing lost: every word of the input is on a page, in order.
                let mut expected: Vec<String> = std::iter::once(sheet.title.clone())
                    .chain(sheet.lines.iter().flat_map(|(l, v)| [l.clone(), v.clone()]))
                    .chain(std::iter::once(sheet.documents_label.clone()))
                    .chain(
                        sheet
                            .documents
                            .iter()
                            .enumerate()
                            .map(|(i, d)| format!("{}. {d}", i + 1)),
                    )
                    .chain(std::iter::once(sheet.footer.clone()))
                    .chain(
                        sheet
                            .verification
                            .iter()
                            .flat_map(|v| [v.label.clone(), v.url.clone(), v.code_line.clone()]),
                    )
                    .collect();
                expected.retain(|s| !s.is_empty());
                let printed: String = words.iter().map(|w| w.4.as_str()).collect();
                let wanted: String = expected.concat().split_whitespace().collect();
                if printed != wanted {
                    let at = printed
                        .chars()
                        .zip(wanted.chars())
                        .take_while(|(a, b)| a == b)
                        .count();
                    let near: String = wanted
                        .chars()
                        .skip(at.saturating_sub(20))
                        .take(60)
                        .collect();
                    panic!("{kind} {lang:?}: text lost or reordered near {near:?}");
                }
                // The language and the title a reader's software announces.
                let doc = lopdf::Document::load_mem(&pdf).unwrap();
                let catalog = doc.catalog().unwrap();
                assert_eq!(
                    catalog.get(b"Lang").unwrap().as_str().unwrap(),
                    lang.code().as_bytes()
                );
                let info = doc
                    .trailer
                    .get(b"Info")
                    .and_then(|i| i.as_reference())
                    .unwrap();
                let info = doc.get_dictionary(info).unwrap();
                let stored_title = lopdf::decode_text_string(info.get(b"Title").unwrap()).unwrap();
                assert_eq!(stored_title, title);
            }
        }
    }

    /// The page rendered by poppler, as a phone's camera would see the paper, and the QR code
    /// read back from it: it opens the document's verification page.
    #[test]
    fn the_printed_qr_code_opens_the_documents_verification_page() {
        let code = qyzmet_domain::document_code::DocumentCode::from_random(0x1f_2e3d_4c5b);
        let sheet = Receipt {
            lang: qyzmet_domain::Lang::Kk,
            title: "Өтінішті қабылдау туралы қолхат".into(),
            lines: vec![("Тіркеу нөмірі".into(), "2026-000123".into())],
            documents_label: String::new(),
            documents: Vec::new(),
            footer: "Қолхатты Qyzmet порталы автоматты түрде жасады.".into(),
            verification: Some(crate::sheets::verification(
                "https://qyzmet.example.kz",
                &code,
                qyzmet_domain::Lang::Kk,
            )),
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("sheet.pdf"), render(&sheet)).unwrap();
        let status = std::process::Command::new("pdftoppm")
            .args(["-gray", "-r", "150", "-singlefile", "sheet.pdf", "page"])
            .current_dir(dir.path())
            .status()
            .expect("pdftoppm (poppler-utils; xtask setup installs it)");
        assert!(status.success());
        let pgm = std::fs::read(dir.path().join("page.pgm")).unwrap();
        // Binary PGM: "P5", width, height, maximum value, each separated by whitespace.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !pgm[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(String::from_utf8(pgm[start..at].to_vec()).unwrap());
        }
        let pixels = &pgm[at + 1..];
        let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code on the page");
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, format!("https://qyzmet.example.kz/verify/{code}"));
    }
}
