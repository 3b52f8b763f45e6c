//! `report.xlsx`: the ranking as a workbook a buyer can re-weight.
//!
//! Three sheets. **Criteria** holds the weights and the partner threshold as plain cells, the
//! only ones meant to be edited, and what each score means on each criterion. **Scores** holds the vendors × criteria scores and, for each
//! vendor, live formulas over those cells: the weighted score (over the criteria scored, as
//! `score::weighted_score` computes it), the criteria scored and the coverage, the rank (ties
//! go to the name, as in `score::rank`) and the verdict (partner, vendor, not yet assessed).
//! Change a weight and the ranking moves, in Excel or LibreOffice. **Notes** lists the evidence
//! with a link to each note's page. Every formula also carries its result as this build
//! computed it, for viewers that do not calculate. Text is always written as text, so nothing
//! a dossier says can run as a formula. The file is the same bytes for the same report.

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Formula, Url, Workbook, Worksheet,
    XlsxError,
};

use crate::model::Report;
use crate::score::Standing;

/// What the weighted score column says of a vendor with no score at all.
const NO_SCORE: &str = "–";

/// The first row of vendors on the Scores sheet (0-based): below the header, weight and
/// minimum rows.
const FIRST_VENDOR_ROW: u32 = 3;
/// The first criterion column on the Scores sheet (0-based; A is the vendor, B the status).
const FIRST_CRITERION_COL: u16 = 2;

/// The workbook's bytes, or why it cannot be written (texts are cut to fit a cell, so only
/// limits a report does not reach are left: over a million rows or 16,000 criteria).
pub fn workbook(report: &Report, standings: &[Standing]) -> Result<Vec<u8>, String> {
    let book = write(report, standings).map_err(|e| e.to_string())?;
    made_by_us(&book).map_err(|e| e.to_string())
}

/// The workbook with its `docProps/app.xml` naming shortlist as the program that made it
/// (rust_xlsxwriter writes "Microsoft Excel" there, and offers no setting); every other part
/// is copied as it was compressed, so the same report still gives the same bytes.
fn made_by_us(book: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Cursor, Read, Write};
    const APP: &str = "docProps/app.xml";
    let mut parts = zip::ZipArchive::new(Cursor::new(book))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(book.len())));
    for i in 0..parts.len() {
        if parts.by_index_raw(i)?.name()? != APP {
            out.raw_copy_file(parts.by_index_raw(i)?)?;
            continue;
        }
        let mut part = parts.by_index(i)?;
        let mut xml = String::new();
        part.read_to_string(&mut xml)?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(part.last_modified().unwrap_or_default());
        out.start_file(APP, options)?;
        out.write_all(
            xml.replace(
                "<Application>Microsoft Excel</Application>",
                "<Application>shortlist</Application>",
            )
            .as_bytes(),
        )?;
    }
    Ok(out.finish()?.into_inner())
}

/// The most characters a spreadsheet cell holds.
const CELL_LIMIT: usize = 32_767;

/// `text` as a cell can hold it: cut, with a word saying so, when over the limit.
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    const CUT: &str = " [cut to fit a cell: read it in the report]";
    if text.chars().count() <= CELL_LIMIT {
        return text.into();
    }
    let kept: String = text
        .chars()
        .take(CELL_LIMIT - CUT.chars().count())
        .collect();
    format!("{kept}{CUT}").into()
}

fn write(report: &Report, standings: &[Standing]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = report
        .date
        .as_deref()
        .and_then(|d| {
            let (y, m, d) = (d.get(0..4)?, d.get(5..7)?, d.get(8..10)?);
            ExcelDateTime::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
        })
        .unwrap_or(ExcelDateTime::from_ymd(2000, 1, 1)?);
    book.set_properties(
        &DocProperties::new()
            .set_title(fit(&report.title))
            .set_author("shortlist")
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();
    let sheet = book.add_worksheet();
    scores_sheet(sheet, report, standings, &styles)?;
    let sheet = book.add_worksheet();
    criteria_sheet(sheet, report, &styles)?;
    let sheet = book.add_worksheet();
    notes_sheet(sheet, report, &styles)?;
    if report.contract.is_some() {
        let sheet = book.add_worksheet();
        costs_sheet(sheet, report, standings, &styles)?;
    }
    book.save_to_buffer()
}

struct Styles {
    header: Format,
    editable: Format,
    score: Format,
    share: Format,
    note: Format,
    money: Format,
}

impl Styles {
    fn new() -> Self {
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            editable: Format::new()
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_bold(),
            score: Format::new().set_num_format("0.00"),
            share: Format::new().set_num_format("0%"),
            note: Format::new().set_italic(),
            money: Format::new().set_num_format("#,##0"),
        }
    }
}

/// `A`, `B`, ..., `Z`, `AA`: the letters of a 0-based column.
fn column(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// An absolute reference to the threshold cell of the Criteria sheet.
fn threshold_cell(criteria: usize) -> String {
    format!("Criteria!$C${}", criteria + 3)
}

fn criteria_sheet(sheet: &mut Worksheet, report: &Report, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Criteria")?;
    let headers = [
        "Criterion id",
        "Criterion",
        "Weight (edit me)",
        "Share of the weight",
        "Minimum score",
        "Question",
        "What each score means",
    ];
    for (col, h) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, h, &s.header)?;
    }
    let n = report.criteria.len();
    let total_weight: f64 = report.criteria.iter().map(|c| c.weight).sum();
    for (row, c) in (1u32..).zip(&report.criteria) {
        sheet.write_string(row, 0, fit(&c.id))?;
        sheet.write_string(row, 1, fit(&c.name))?;
        sheet.write_number_with_format(row, 2, c.weight, &s.editable)?;
        let share = if total_weight > 0.0 {
            c.weight / total_weight
        } else {
            0.0
        };
        sheet.write_formula_with_format(
            row,
            3,
            Formula::new(format!(
                "=IF(SUM($C$2:$C${last})=0,0,C{r}/SUM($C$2:$C${last}))",
                r = row + 1,
                last = n + 1
            ))
            .set_result(share.to_string()),
            &s.share,
        )?;
        if let Some(m) = c.minimum {
            sheet.write_number(row, 4, m)?;
        }
        if let Some(q) = &c.question {
            sheet.write_string(row, 5, fit(q))?;
        }
        if !c.levels.is_empty() {
            let levels: Vec<String> = c
                .levels
                .iter()
                .map(|d| format!("{}: {}", crate::model::format_number(d.score), d.text))
                .collect();
            sheet.write_string(row, 6, fit(&levels.join("\n")))?;
        }
    }
    let threshold_row = n as u32 + 2;
    sheet.write_string_with_format(threshold_row, 0, "Partner threshold", &s.header)?;
    sheet.write_number_with_format(threshold_row, 2, report.partner_threshold, &s.editable)?;
    sheet.write_string_with_format(
        threshold_row + 1,
        0,
        "Change a weight, a minimum or the threshold (the yellow cells and column E): the Scores sheet recalculates the weighted scores, the ranks and the verdicts.",
        &s.note,
    )?;
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(2, 12)?;
    sheet.set_column_width(3, 12)?;
    sheet.set_column_width(4, 10)?;
    sheet.set_column_width(5, 60)?;
    sheet.set_column_width(6, 60)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Where things are on the Scores sheet.
struct Layout {
    /// How many criteria (one column each).
    n: u16,
    /// The letters of the first and last criterion columns.
    first: String,
    last: String,
    weighted: u16,
    scored: u16,
    coverage: u16,
    rank: u16,
    verdict: u16,
    /// The first and last rows of vendors, as spreadsheets number them.
    top: u32,
    bottom: u32,
    /// The partner threshold's cell on the Criteria sheet.
    threshold: String,
}

impl Layout {
    fn new(report: &Report, standings: &[Standing]) -> Self {
        let n = report.criteria.len() as u16;
        let after = FIRST_CRITERION_COL + n;
        Layout {
            n,
            first: column(FIRST_CRITERION_COL),
            last: column(FIRST_CRITERION_COL + n.max(1) - 1),
            weighted: after,
            scored: after + 1,
            coverage: after + 2,
            rank: after + 3,
            verdict: after + 4,
            top: FIRST_VENDOR_ROW + 1,
            bottom: FIRST_VENDOR_ROW + standings.len().max(1) as u32,
            threshold: threshold_cell(report.criteria.len()),
        }
    }
}

fn scores_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    standings: &[Standing],
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name("Scores")?;
    sheet.set_active(true);
    let layout = Layout::new(report, standings);
    scores_header(sheet, report, &layout, s)?;
    for (row, st) in (FIRST_VENDOR_ROW..).zip(standings) {
        if let Some(v) = report.vendor(&st.slug) {
            vendor_row(sheet, row, report, st, v, &layout, s)?;
        }
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(layout.weighted, 10)?;
    sheet.set_column_width(layout.verdict, 16)?;
    sheet.set_freeze_panes(FIRST_VENDOR_ROW, FIRST_CRITERION_COL)?;
    Ok(())
}

/// The header row, and the rows of weights and minimums that follow the Criteria sheet.
fn scores_header(
    sheet: &mut Worksheet,
    report: &Report,
    layout: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, "Vendor", &s.header)?;
    sheet.write_string_with_format(0, 1, "Status", &s.header)?;
    sheet.write_string_with_format(1, 0, "Weight (from the Criteria sheet)", &s.note)?;
    sheet.write_string_with_format(2, 0, "Minimum (from the Criteria sheet)", &s.note)?;
    for (i, c) in (0u16..).zip(&report.criteria) {
        let col = FIRST_CRITERION_COL + i;
        let criteria_row = u32::from(i) + 2;
        sheet.write_string_with_format(0, col, fit(&c.name), &s.header)?;
        sheet.write_formula(
            1,
            col,
            Formula::new(format!("=Criteria!$C${criteria_row}")).set_result(c.weight.to_string()),
        )?;
        sheet.write_formula(
            2,
            col,
            Formula::new(format!(
                "=IF(ISNUMBER(Criteria!$E${criteria_row}),Criteria!$E${criteria_row},\"\")"
            ))
            .set_result(c.minimum.map(|m| m.to_string()).unwrap_or_default()),
        )?;
        sheet.set_column_width(col, 12)?;
    }
    for (col, h) in [
        (layout.weighted, "Weighted score"),
        (layout.scored, "Criteria scored"),
        (layout.coverage, "Coverage"),
        (layout.rank, "Rank"),
        (layout.verdict, "Verdict"),
    ] {
        sheet.write_string_with_format(0, col, h, &s.header)?;
    }
    Ok(())
}

/// One vendor: its scores as numbers, and its figures as formulas over them.
fn vendor_row(
    sheet: &mut Worksheet,
    row: u32,
    report: &Report,
    st: &Standing,
    v: &crate::model::Vendor,
    layout: &Layout,
    s: &Styles,
) -> Result<(), XlsxError> {
    let Layout {
        first,
        last,
        top,
        bottom,
        ..
    } = layout;
    let (r, w) = (row + 1, column(layout.weighted));
    sheet.write_string(row, 0, fit(&v.name))?;
    sheet.write_string(row, 1, v.status.as_str())?;
    for (i, c) in (0u16..).zip(&report.criteria) {
        if let Some(score) = v.scores.get(&c.id) {
            sheet.write_number(row, FIRST_CRITERION_COL + i, score.score)?;
        }
    }
    let scores = format!("{first}{r}:{last}{r}");
    let weights = format!("${first}$2:${last}$2");
    let scored_weight = format!("SUMPRODUCT({weights},--ISNUMBER({scores}))");
    sheet.write_formula_with_format(
        row,
        layout.weighted,
        Formula::new(format!(
            "=IF({scored_weight}=0,\"{NO_SCORE}\",SUMPRODUCT({weights},{scores})/{scored_weight})"
        ))
        .set_result(
            st.weighted_score
                .map_or_else(|| NO_SCORE.to_string(), |x| x.to_string()),
        ),
        &s.score,
    )?;
    sheet.write_formula(
        row,
        layout.scored,
        Formula::new(format!("=COUNT({scores})")).set_result(st.scored.to_string()),
    )?;
    sheet.write_formula_with_format(
        row,
        layout.coverage,
        Formula::new(format!(
            "=IF(COLUMNS({weights})=0,0,COUNT({scores})/COLUMNS({weights}))"
        ))
        .set_result(st.coverage.to_string()),
        &s.share,
    )?;
    sheet.write_formula(
        row,
        layout.rank,
        Formula::new(rank_formula(r, &w, top, bottom)).set_result(st.rank.to_string()),
    )?;
    sheet.write_formula(
        row,
        layout.verdict,
        Formula::new(verdict_formula(layout, r, &w, &scores, &weights))
            .set_result(st.verdict().as_str()),
    )?;
    Ok(())
}

/// The rank of the vendor on row `r` (1-based), by its weighted score in column `w`: higher
/// scores first, ties by name; vendors with no score after every scored one.
fn rank_formula(r: u32, w: &str, top: &u32, bottom: &u32) -> String {
    let all = format!("${w}${top}:${w}${bottom}");
    let names = format!("$A${top}:$A${bottom}");
    format!(
        "=IF(ISNUMBER({w}{r}),1+SUMPRODUCT(ISNUMBER({all})*({all}>{w}{r}))+SUMPRODUCT(ISNUMBER({all})*({all}={w}{r})*({names}<A{r})),1+COUNT({all})+SUMPRODUCT(NOT(ISNUMBER({all}))*({names}<A{r})))"
    )
}

/// The verdict of the vendor on row `r`, by the rule of `rules::Verdict` and with its
/// tolerance: one test per criterion with a floor, each behind an IF (a blank minimum is text,
/// and arithmetic on text is an error even where its result would not count).
fn verdict_formula(layout: &Layout, r: u32, w: &str, scores: &str, weights: &str) -> String {
    let tolerance = format!("{:E}", crate::model::TOLERANCE);
    let below: String = (0..layout.n)
        .map(|i| {
            let c = column(FIRST_CRITERION_COL + i);
            format!(",IF(ISNUMBER({c}$3),{c}{r}<{c}$3-{tolerance},FALSE)")
        })
        .collect();
    format!(
        "=IF(COUNT({scores})<COLUMNS({weights}),\"not yet assessed\",IF(AND({w}{r}>={threshold}-{tolerance},NOT(OR(FALSE{below}))),\"partner\",\"vendor\"))",
        threshold = layout.threshold
    )
}

/// What each vendor costs over the contract (`cost::of`, in the contract's currency), in the
/// Scores sheet's order: the fees as numbers, the total and the fees at risk as formulas over
/// them, and the cost per point over the Scores sheet's live weighted score, so that new
/// weights or fees recompute it. A vendor with no price says why.
fn costs_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    standings: &[Standing],
    s: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name("Costs")?;
    let currency = report.contract.as_ref().map_or("", |c| c.currency.as_str());
    let headers = [
        "Vendor".to_string(),
        format!("Annual fee ({currency})"),
        format!("One-off fee ({currency})"),
        "Years".to_string(),
        format!("Total over the term ({currency})"),
        "Share of fees at risk".to_string(),
        format!("Fees at risk over the term ({currency})"),
        format!("Cost per point ({currency})"),
    ];
    for (col, h) in (0u16..).zip(&headers) {
        sheet.write_string_with_format(0, col, h, &s.header)?;
    }
    let weighted = column(Layout::new(report, standings).weighted);
    for (i, st) in (0u32..).zip(standings) {
        let Some(v) = report.vendor(&st.slug) else {
            continue;
        };
        let row = i + 1;
        let (r, scores_row) = (row + 1, FIRST_VENDOR_ROW + i + 1);
        sheet.write_string(row, 0, fit(&v.name))?;
        let Some(c) = crate::cost::of(report, v, st) else {
            let why = if v.pricing_withheld {
                "price withheld from this audience"
            } else {
                "no annual fee, or no rate for its currency"
            };
            sheet.write_string_with_format(row, 1, why, &s.note)?;
            continue;
        };
        sheet.write_number_with_format(row, 1, c.annual, &s.money)?;
        sheet.write_number_with_format(row, 2, c.one_off, &s.money)?;
        sheet.write_number(row, 3, c.years)?;
        let total = Formula::new(format!("=C{r}+B{r}*D{r}")).set_result(c.total.to_string());
        sheet.write_formula_with_format(row, 4, total, &s.money)?;
        sheet.write_number_with_format(row, 5, c.at_risk_share, &s.share)?;
        let at_risk =
            Formula::new(format!("=E{r}*F{r}")).set_result((c.total * c.at_risk_share).to_string());
        sheet.write_formula_with_format(row, 6, at_risk, &s.money)?;
        let score = format!("Scores!${weighted}${scores_row}");
        let per_point = Formula::new(format!(
            "=IF(AND(ISNUMBER({score}),{score}>0),E{r}/{score},\"\")"
        ))
        .set_result(c.per_point.map(|p| p.to_string()).unwrap_or_default());
        sheet.write_formula_with_format(row, 7, per_point, &s.money)?;
    }
    sheet.set_column_width(0, 30)?;
    sheet.set_column_range_width(1, 7, 16)?;
    sheet.set_freeze_panes(1, 1)?;
    Ok(())
}

fn notes_sheet(sheet: &mut Worksheet, report: &Report, s: &Styles) -> Result<(), XlsxError> {
    sheet.set_name("Notes")?;
    for (col, h) in (0u16..).zip(["Date", "Note", "Kind", "Vendors", "Criteria", "Author"]) {
        sheet.write_string_with_format(0, col, h, &s.header)?;
    }
    let absolute =
        report.base_url.starts_with("http://") || report.base_url.starts_with("https://");
    for (row, n) in (1u32..).zip(&report.notes) {
        sheet.write_string(row, 0, &n.date)?;
        let page = crate::urls::note(&n.slug);
        let link = if absolute {
            format!("{}{page}", report.base_url)
        } else {
            // Relative to the workbook, which sits at the root of the site.
            format!("file:///{page}")
        };
        sheet.write_url_with_text(row, 1, Url::new(link), fit(&n.title))?;
        sheet.write_string(row, 2, n.kind.label())?;
        sheet.write_string(row, 3, fit(&n.vendors.join(", ")))?;
        sheet.write_string(row, 4, fit(&n.criteria.join(", ")))?;
        if let Some(a) = &n.author {
            sheet.write_string(row, 5, fit(a))?;
        }
    }
    sheet.set_column_width(0, 11)?;
    sheet.set_column_width(1, 50)?;
    sheet.set_column_width(2, 16)?;
    sheet.set_column_width(3, 30)?;
    sheet.set_column_width(4, 30)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_is_cut_to_fit_and_says_so() {
        assert_eq!(fit("short"), "short");
        let long = "é".repeat(CELL_LIMIT + 10);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), CELL_LIMIT);
        assert!(cut.ends_with("read it in the report]"));
        let mut sheet = Worksheet::new();
        assert!(
            sheet.write_string(0, 0, long.as_str()).is_err(),
            "the limit is real"
        );
        assert!(sheet.write_string(0, 0, cut.as_ref()).is_ok());
    }

    #[test]
    fn columns_are_lettered_as_in_a_spreadsheet() {
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
        assert_eq!(column(27), "AB");
        assert_eq!(column(701), "ZZ");
        assert_eq!(column(702), "AAA");
    }
}
