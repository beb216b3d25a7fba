//! The commands the page invokes, one small file per area. Each is thin: parse the arguments,
//! call the engine, convert errors to `{ code, message }`. Names are the `Backend` methods of
//! ui/src/backend/backend.ts in snake_case; a test keeps the two lists equal.

pub mod accounts;
pub mod consent;
pub mod conversations;
pub mod desktop;
pub mod drafts;
pub mod groups;
pub mod matrix;
pub mod media;
pub mod messages;
pub mod profile;
pub mod search;
pub mod settings;

/// Lists every command once, for both the invoke handler and the list of names.
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every command name the page can invoke.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// The invoke handler for every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$name),*]
        }
    };
}

commands![
    profile::profile_state,
    profile::create_profile,
    profile::unlock,
    profile::lock,
    profile::change_passphrase,
    accounts::accounts,
    accounts::add_account,
    accounts::discoverability,
    accounts::set_discoverability,
    accounts::unopened_first_contacts,
    matrix::matrix_accounts,
    matrix::matrix_disclosure,
    matrix::matrix_sign_in,
    matrix::matrix_set_enabled,
    matrix::matrix_sign_out,
    matrix::open_matrix_chat,
    accounts::unsent_reports,
    conversations::conversations,
    conversations::conversation,
    conversations::start_conversation,
    conversations::messages,
    conversations::mark_read,
    conversations::mark_unread,
    drafts::save_draft,
    drafts::draft,
    drafts::drafts,
    search::search,
    search::messages_after,
    search::rebuild_search_index,
    messages::send,
    messages::send_typing,
    media::stage_file,
    media::send_file,
    media::download_attachment,
    media::save_attachment,
    media::open_attachment,
    media::open_link,
    consent::requests,
    consent::accept_request,
    consent::delete_request,
    consent::block,
    consent::unblock,
    consent::report,
    consent::disclosure,
    consent::enable_interop,
    consent::interop_to_review,
    consent::disable_interop,
    consent::confirm_first_contact,
    consent::peered_networks,
    consent::inbox_layout,
    consent::set_inbox_layout,
    consent::ledger,
    consent::export_ledger,
    consent::contact,
    consent::safety_number,
    consent::set_verified,
    consent::acknowledge_key_change,
    groups::groups,
    groups::group,
    groups::create_group,
    groups::add_group_members,
    groups::remove_group_member,
    groups::rename_group,
    groups::make_group_admin,
    groups::leave_group,
    groups::send_group,
    groups::send_group_file,
    groups::send_group_typing,
    groups::group_message_receipts,
    groups::group_invitations,
    groups::accept_group_invitation,
    groups::decline_group_invitation,
    groups::report_group_member,
    groups::group_adds,
    groups::set_group_adds,
    settings::settings,
    settings::set_settings,
    settings::notify,
    desktop::set_unread_count,
    desktop::set_spell_check,
];
