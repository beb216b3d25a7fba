//! Checks of group steps that serde cannot make: every label is created once, before any step
//! names it, and `send_group` expects only what a group message can come to.

use std::collections::HashSet;

use super::group_model::GroupAction;
use super::model::SendOutcome;
use super::parse;

/// The group labels created by the steps read so far.
#[derive(Default)]
pub struct Labels(HashSet<String>);

/// Checks `action` against the labels created before it, and records the label it creates.
pub fn check(action: &GroupAction, labels: &mut Labels) -> Result<(), String> {
    if let Some(label) = action.label() {
        let known = labels.0.contains(label);
        match action {
            GroupAction::CreateGroup { .. } if label.trim().is_empty() => {
                return Err("group must be a label, such as group = \"weekend\"".into())
            }
            GroupAction::CreateGroup { .. } if known => {
                return Err(format!("group {label:?} is created twice: give the second group a label of its own"))
            }
            GroupAction::CreateGroup { .. } => {
                labels.0.insert(label.to_owned());
            }
            _ if !known => {
                return Err(format!(
                    "group {label:?} is not created by an earlier create_group step (created so far: {})",
                    created(labels)
                ))
            }
            _ => {}
        }
    }
    match action {
        GroupAction::AddToGroup { members, .. } if members.is_empty() => {
            Err("members is empty: name at least one person to add".into())
        }
        GroupAction::SendGroup { expect, .. } => send_group_outcome(expect.as_deref()).map(drop),
        _ => Ok(()),
    }
}

/// `expect` of `send_group`: sent (the default), failed:CODE or refused:CODE. Group messages
/// carry no receipts, so delivered and read cannot be expected; nor can pending, which is tied
/// to one recipient.
pub fn send_group_outcome(raw: Option<&str>) -> Result<SendOutcome, String> {
    let wrong = || format!("expect must be sent, failed:CODE or refused:CODE, not {:?}", raw.unwrap_or_default());
    match parse::send_outcome(raw).map_err(|_| wrong())? {
        outcome @ (SendOutcome::Sent | SendOutcome::Failed(_) | SendOutcome::Refused(_)) => Ok(outcome),
        SendOutcome::Delivered | SendOutcome::Read => Err(format!("{} (group messages carry no receipts)", wrong())),
        SendOutcome::Pending => Err(wrong()),
    }
}

fn created(labels: &Labels) -> String {
    let mut names: Vec<&str> = labels.0.iter().map(String::as_str).collect();
    names.sort_unstable();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::group_model::GROUP_STEPS;
    use super::super::model::Action;
    use super::super::parse::parse;

    const HEAD: &str = "name = \"t\"\n[[network]]\nname = \"meadow.test\"\n[[person]]\nname = \"alice\"\nnetwork = \"meadow.test\"\n[[person]]\nname = \"bob\"\nnetwork = \"meadow.test\"\n";
    const CREATE: &str =
        "[[step]]\ndo = \"create_group\"\nperson = \"alice\"\ngroup = \"g\"\nname = \"G\"\nmembers = [\"bob\"]\n";

    #[test]
    fn every_group_step_name_is_one_serde_reads() {
        for name in GROUP_STEPS {
            let error = parse(Path::new("t.toml"), &format!("{HEAD}{CREATE}[[step]]\ndo = \"{name}\"\n"))
                .expect_err("a step with no fields is incomplete");
            assert!(
                error.to_string().contains("missing field"),
                "{name} must be a variant of GroupAction, so the file only lacks fields: {error}"
            );
        }
    }

    #[test]
    fn a_group_file_reads_into_group_steps() {
        let text = format!(
            "{HEAD}{CREATE}[[step]]\ndo = \"send_group\"\nfrom = \"bob\"\ngroup = \"g\"\ntext = \"hi\"\nexpect = \"failed:unknown_account\"\n\
             [[step]]\ndo = \"expect_group_notice\"\nperson = \"bob\"\ngroup = \"g\"\nkind = \"added_you\"\nby = \"alice\"\n"
        );
        let scenario = parse(Path::new("t.toml"), &text).expect("a valid group file reads");
        let names: Vec<&str> = scenario.steps.iter().map(|step| step.action.name()).collect();
        assert_eq!(names, ["create_group", "send_group", "expect_group_notice"]);
        assert!(matches!(scenario.steps[0].action, Action::Group(_)), "group steps are read by GroupAction");
    }

    #[test]
    fn group_mistakes_are_named_with_their_line() {
        let line = 16; // The second step's header, after HEAD and CREATE.
        let cases = [
            (
                "[[step]]\ndo = \"leave_group\"\nperson = \"bob\"\ngroup = \"other\"\n",
                "group \"other\" is not created by an earlier create_group step",
            ),
            (
                "[[step]]\ndo = \"create_group\"\nperson = \"bob\"\ngroup = \"g\"\nname = \"G2\"\nmembers = []\n",
                "group \"g\" is created twice",
            ),
            (
                "[[step]]\ndo = \"send_group\"\nfrom = \"bob\"\ngroup = \"g\"\ntext = \"hi\"\nexpect = \"delivered\"\n",
                "no receipts",
            ),
            (
                "[[step]]\ndo = \"add_to_group\"\nperson = \"alice\"\ngroup = \"g\"\nmembers = [\"zoe\"]\n",
                "unknown person \"zoe\"",
            ),
            (
                "[[step]]\ndo = \"set_group_adds\"\nperson = \"bob\"\nwho_can_add = \"friends\"\n",
                "unknown variant `friends`",
            ),
            (
                "[[step]]\ndo = \"expect_group_notice\"\nperson = \"bob\"\ngroup = \"g\"\nkind = \"joined\"\n",
                "unknown variant `joined`",
            ),
            (
                "[[step]]\ndo = \"accept_invitation\"\nperson = \"bob\"\ngroup = \"g\"\nexpect = \"maybe\"\n",
                "expect must be",
            ),
        ];
        for (step, wanted) in cases {
            let error = parse(Path::new("t.toml"), &format!("{HEAD}{CREATE}{step}"))
                .expect_err("a mistake is refused before running");
            assert!(error.to_string().contains(wanted), "{error} should say {wanted}");
            assert_eq!(error.line, Some(line), "{error} should point at the step's line");
        }
    }
}
