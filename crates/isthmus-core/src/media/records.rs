//! What the profile keeps about each attachment, sealed like everything else: the pointer
//! (with the key and digest), and the name of the local encrypted file once there is one.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, MessageId};
use crate::model::Attachment;
use crate::store::Tree;
use crate::tx::Tx;
use crate::Result;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub origin_network: String,
    /// The media id at the origin relay; empty until the upload is done.
    pub id: String,
    #[serde(with = "crate::serde_bytes_b64")]
    pub key: Vec<u8>,
    /// SHA-256 of the ciphertext.
    #[serde(with = "crate::serde_bytes_b64")]
    pub digest: Vec<u8>,
    /// Plaintext size.
    pub size: u64,
    pub content_type: String,
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    #[serde(with = "crate::serde_bytes_b64")]
    pub thumbnail: Vec<u8>,
    /// The ciphertext's file name in the profile's attachments folder.
    pub local_file: Option<String>,
    pub note: Option<String>,
}

impl AttachmentRecord {
    pub fn view(&self) -> Attachment {
        use base64::Engine as _;
        Attachment {
            origin_network: self.origin_network.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            file_name: self.file_name.clone(),
            width: self.width,
            height: self.height,
            thumbnail: (!self.thumbnail.is_empty())
                .then(|| base64::engine::general_purpose::STANDARD.encode(&self.thumbnail)),
            downloaded: self.local_file.is_some(),
            note: self.note.clone(),
        }
    }

    pub fn pointer(&self) -> isthmus_proto::wire::AttachmentPointer {
        isthmus_proto::wire::AttachmentPointer {
            origin_network: self.origin_network.clone(),
            id: self.id.clone(),
            key: self.key.clone(),
            digest: self.digest.clone(),
            size: self.size,
            content_type: self.content_type.clone(),
            file_name: self.file_name.clone(),
            width: self.width,
            height: self.height,
            thumbnail: self.thumbnail.clone(),
        }
    }
}

pub fn key(conversation: &ConversationId, message: &MessageId, index: u32) -> Vec<u8> {
    let mut key = conversation.0.to_vec();
    key.extend_from_slice(&message.0);
    key.extend_from_slice(&index.to_be_bytes());
    key
}

pub fn load(
    tx: &Tx,
    conversation: &ConversationId,
    message: &MessageId,
    index: u32,
) -> Result<Option<AttachmentRecord>> {
    tx.get_json(Tree::Attachments, &key(conversation, message, index))
}

pub fn save(
    tx: &mut Tx,
    conversation: &ConversationId,
    message: &MessageId,
    index: u32,
    record: &AttachmentRecord,
) -> Result<()> {
    tx.put_json(Tree::Attachments, key(conversation, message, index), record)
}
