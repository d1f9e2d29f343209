//! When the kube part is wanted at all: never, always, or only where the current directory or
//! an ancestor holds files matching configured patterns (`Chart.yaml`, `k8s/*.yaml`). Decided
//! before gathering, so an unwanted kube part costs no kubeconfig parse.

use std::path::{Path, PathBuf};

use crate::env::Env;

/// A pattern for `kube.show = "detect"`: a literal folder path and a file-name glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Folders below the directory being tested (may be empty).
    pub dir: PathBuf,
    /// File name; `*` matches any run of characters, `?` one character.
    pub file: String,
}

impl Pattern {
    /// Parses `k8s/*.yaml`, `Chart.yaml`, `deploy/overlays/kustomization.yaml`.
    ///
    /// # Errors
    /// An empty or absolute pattern, `..`, or a wildcard outside the last component.
    pub fn parse(text: &str) -> Result<Pattern, String> {
        let text = text.trim_end_matches('/');
        if text.is_empty() {
            return Err("empty pattern".into());
        }
        if text.starts_with('/') {
            return Err(format!(
                "pattern {text:?} is absolute; patterns are relative to each directory"
            ));
        }
        let (dir, file) = text.rsplit_once('/').unwrap_or(("", text));
        if dir.split('/').any(|c| c == "..") || file == ".." {
            return Err(format!("pattern {text:?} may not contain '..'"));
        }
        if dir.contains(['*', '?']) {
            return Err(format!(
                "pattern {text:?}: wildcards are allowed only in the file name"
            ));
        }
        Ok(Pattern {
            dir: PathBuf::from(dir),
            file: file.into(),
        })
    }

    fn is_glob(&self) -> bool {
        self.file.contains(['*', '?'])
    }
}

/// When to show the kube part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Show {
    /// Always (the default).
    #[default]
    Always,
    /// Never: kube is not even gathered.
    Never,
    /// Only below a directory holding a file that matches one of the patterns.
    Detect(Vec<Pattern>),
}

/// Why kube is or is not shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// `show = "always"`.
    Always,
    /// `show = "never"`.
    Never,
    /// `show = "detect"` found this file.
    Found(PathBuf),
    /// `show = "detect"` found nothing from the working directory up.
    NotFound,
}

impl Decision {
    /// True when the kube part is to be gathered and shown.
    #[must_use]
    pub fn wanted(&self) -> bool {
        matches!(self, Decision::Always | Decision::Found(_))
    }
}

/// Decides whether the kube part is wanted in `env`'s working directory. Does IO only for
/// `Detect`: a `stat` per literal pattern per ancestor, a directory listing per glob.
#[must_use]
pub fn decide(show: &Show, env: &Env) -> Decision {
    match show {
        Show::Always => Decision::Always,
        Show::Never => Decision::Never,
        Show::Detect(patterns) => env
            .cwd()
            .and_then(|cwd| cwd.ancestors().find_map(|dir| find_in(dir, patterns)))
            .map_or(Decision::NotFound, Decision::Found),
    }
}

fn find_in(dir: &Path, patterns: &[Pattern]) -> Option<PathBuf> {
    patterns.iter().find_map(|p| {
        let folder = dir.join(&p.dir);
        if !p.is_glob() {
            let path = folder.join(&p.file);
            return path.exists().then_some(path);
        }
        std::fs::read_dir(&folder)
            .ok()?
            .filter_map(Result::ok)
            .find(|e| glob(&p.file, &e.file_name().to_string_lossy()))
            .map(|e| e.path())
    })
}

/// Matches a file name against `*` (any run) and `?` (one character) by backtracking over the
/// last `*`, which is linear enough for file names.
#[must_use]
pub fn glob(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = n.get(ni) {
        let at = p.get(pi).copied();
        if at.is_some_and(|a| a == '?' || a == c) {
            pi += 1;
            ni += 1;
        } else if at == Some('*') {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_file_names() {
        let cases: &[(&str, &str, bool)] = &[
            ("*.yaml", "deploy.yaml", true),
            ("*.yaml", "deploy.yml", false),
            ("*.y*ml", "a.yaml", true),
            ("Chart.yaml", "Chart.yaml", true),
            ("Chart.yaml", "chart.yaml", false),
            ("?.yaml", "a.yaml", true),
            ("?.yaml", "ab.yaml", false),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
            ("*é.yaml", "café.yaml", true),
        ];
        for (p, n, want) in cases {
            assert_eq!(glob(p, n), *want, "{p} {n}");
        }
    }

    #[test]
    fn patterns_parse_or_say_why_not() {
        let ok: &[(&str, &str, &str)] = &[
            ("k8s/*.yaml", "k8s", "*.yaml"),
            ("Chart.yaml", "", "Chart.yaml"),
            ("deploy/base/", "deploy", "base"),
        ];
        for (text, dir, file) in ok {
            let p = Pattern::parse(text).unwrap();
            assert_eq!((p.dir.to_str().unwrap(), p.file.as_str()), (*dir, *file));
        }
        let bad: &[(&str, &str)] = &[
            ("", "empty pattern"),
            ("/etc/k8s", "is absolute"),
            ("*/Chart.yaml", "only in the file name"),
            ("../x", "may not contain '..'"),
        ];
        for (text, why) in bad {
            let err = Pattern::parse(text).unwrap_err();
            assert!(err.contains(why), "{text}: {err}");
        }
    }

    #[test]
    fn detect_looks_in_the_directory_and_its_ancestors() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("app/k8s")).unwrap();
        std::fs::create_dir_all(root.join("app/src/deep")).unwrap();
        std::fs::create_dir_all(root.join("chart/templates")).unwrap();
        std::fs::create_dir_all(root.join("plain")).unwrap();
        std::fs::write(root.join("app/k8s/deploy.yaml"), "").unwrap();
        std::fs::write(root.join("chart/Chart.yaml"), "").unwrap();
        let patterns = vec![
            Pattern::parse("k8s/*.yaml").unwrap(),
            Pattern::parse("Chart.yaml").unwrap(),
        ];
        let show = Show::Detect(patterns);
        let cases: &[(&str, Option<&str>)] = &[
            ("app/src/deep", Some("app/k8s/deploy.yaml")),
            ("app", Some("app/k8s/deploy.yaml")),
            ("chart/templates", Some("chart/Chart.yaml")),
            ("plain", None),
        ];
        for (cwd, want) in cases {
            let env = Env::new(root.join(cwd), [("HOME", "/nonexistent")]);
            let got = decide(&show, &env);
            let want = want.map_or(Decision::NotFound, |w| Decision::Found(root.join(w)));
            assert_eq!(got, want, "{cwd}");
            assert_eq!(got.wanted(), matches!(got, Decision::Found(_)));
        }
        let env = Env::new(root.join("plain"), [("HOME", "/x")]);
        assert_eq!(decide(&Show::Always, &env), Decision::Always);
        assert!(!decide(&Show::Never, &env).wanted());
    }
}
