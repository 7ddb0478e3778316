//! The visitor token in the host page's localStorage, so identity survives a reload.

const KEY: &str = "switchboard.visitor.v1";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load_token() -> Option<String> {
    local_storage()?.get_item(KEY).ok().flatten()
}

pub fn save_token(token: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(KEY, token);
    }
}
