//! Spell checking in the web view, in the languages of the system's locale. WebKitGTK leaves
//! it off unless the app turns it on (`WebContextExt::set_spell_checking_enabled`); it then
//! underlines misspelt words in editable fields (the composer asks for it with `spellcheck`)
//! and offers corrections on their context menu, from the system's Enchant dictionaries
//! (Debian: hunspell-en-us, hunspell-de-de...). A language without a dictionary is skipped.

/// The environment variables that name the user's languages, in the order glibc reads them
/// for messages: `LANGUAGE` (a list) over `LC_ALL` over `LC_MESSAGES` over `LANG`.
const LOCALE_VARIABLES: [&str; 4] = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"];

/// When the locale names no language (`C`, `POSIX`, nothing at all).
const FALLBACK: &str = "en_US";

/// The spell checking languages for the locale that `env` describes, as Enchant names them
/// (`de_DE`, `en`): the encoding and modifier are dropped (`de_DE.UTF-8@euro`), `C` and
/// `POSIX` are no language, duplicates go. `env` is passed in so tests need not change the
/// process environment.
pub fn languages(env: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for variable in LOCALE_VARIABLES {
        let Some(value) = env(variable) else { continue };
        for entry in value.split(':') {
            let language = entry.split(['.', '@']).next().unwrap_or_default().trim();
            if language.is_empty() || language == "C" || language == "POSIX" {
                continue;
            }
            if !found.iter().any(|known| known == language) {
                found.push(language.to_owned());
            }
        }
    }
    if found.is_empty() {
        found.push(FALLBACK.to_owned());
    }
    found
}

/// Turns spell checking on or off in `window`'s web view.
pub fn apply(window: &tauri::WebviewWindow, on: bool) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{WebContextExt, WebViewExt};
        window.with_webview(move |webview| {
            let Some(context) = webview.inner().context() else { return };
            if on {
                let languages = languages(|name| std::env::var(name).ok());
                let languages: Vec<&str> = languages.iter().map(String::as_str).collect();
                context.set_spell_checking_languages(&languages);
            }
            context.set_spell_checking_enabled(on);
        })?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (window, on);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages_of(vars: &[(&str, &str)]) -> Vec<String> {
        languages(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn the_languages_come_from_the_locale_in_glibcs_order() {
        assert_eq!(languages_of(&[("LANG", "de_DE.UTF-8")]), ["de_DE"], "the encoding is no part of the name");
        assert_eq!(languages_of(&[("LANG", "de_AT.UTF-8@euro")]), ["de_AT"], "nor the modifier");
        assert_eq!(
            languages_of(&[("LANG", "en_GB.UTF-8"), ("LANGUAGE", "fr_FR:de")]),
            ["fr_FR", "de", "en_GB"],
            "LANGUAGE lists the preferred ones first"
        );
        assert_eq!(languages_of(&[("LC_ALL", "nl_NL.UTF-8"), ("LANG", "nl_NL.UTF-8")]), ["nl_NL"], "once each");
    }

    #[test]
    fn a_locale_without_a_language_falls_back_to_english() {
        assert_eq!(languages_of(&[]), ["en_US"]);
        assert_eq!(languages_of(&[("LANG", "C.UTF-8"), ("LC_ALL", "POSIX")]), ["en_US"]);
    }
}
