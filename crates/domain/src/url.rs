//! Where the app may send someone back to (`?next=` after login, `?return=` from the payment
//! gateway): a path on this site, never another origin.
//!
//! Browsers parse URLs forgivingly (WHATWG URL): they drop tabs and newlines anywhere, trim
//! spaces and control characters at the ends, and read `\` as `/`. So `/\t/evil.example` and
//! `/\evil.example` are both `//evil.example` — another host. The check reads the text as a
//! browser would before it decides; the app then also parses it with the browser's own URL
//! API against the page's origin.

/// The path as a browser would read it, if it stays on this site; `None` otherwise.
pub fn same_site_path(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    let read: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let stays =
        read.starts_with('/') && !read.starts_with("//") && !read.chars().any(|c| c.is_control());
    stays.then_some(read)
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn paths_on_this_site_pass() {
        for ok in [
            "/",
            "/cabinet",
            "/applications/ab12/edit?step=care",
            "/services/guardianship#documents",
            "/%2F/still-a-path",
        ] {
            assert_eq!(same_site_path(ok).as_deref(), Some(ok), "{ok}");
        }
    }

    #[test]
    fn anything_a_browser_reads_as_another_origin_is_refused() {
        for hostile in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\\\\evil.example",
            "/\\evil.example",
            "\\/evil.example",
            " //evil.example",
            "\u{0}//evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/ok\u{7f}",
        ] {
            assert_eq!(same_site_path(hostile), None, "{hostile:?}");
        }
    }
}
