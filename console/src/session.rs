//! Who is using the console: `GET /api/admin/me` decides. With Cloudflare Access in front, the
//! member is signed in already (Access's cookie rides along) and no token is ever asked for;
//! without Access, the admin token is typed once per tab. The pages for the other answers live
//! here too: "come through Access", "ask an owner to add you", and the one-time claim of the
//! first owner.

use std::rc::Rc;

use serde_json::json;
use switchboard_core::team::session::{
    Me, CODE_ACCESS, CODE_ADMIN_TOKEN, CODE_CLAIMABLE, CODE_NOT_A_MEMBER,
};
use switchboard_core::team::{Member, Role};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::api::{Admin, ApiError};
use crate::dom::bind_input;

/// Where the console stands with the person in front of it.
#[derive(Clone, PartialEq)]
pub enum Session {
    Checking,
    SignedIn(Admin, Rc<Me>),
    /// No Access in front: the admin token is needed.
    NeedsToken,
    /// Access is configured, but this request did not come through it (or its token failed).
    NeedsAccess(String),
    NotAMember,
    /// Signed in with Access while the team has no owner: the first owner may be claimed.
    Claimable,
    /// Something else went wrong (Access unreachable: a 503 that says why).
    Failed(String),
}

impl Session {
    /// Asks the edge who `admin` is.
    pub async fn resolve(admin: Admin) -> Session {
        match admin.get::<Me>("/me").await {
            Ok(me) => Session::SignedIn(admin, Rc::new(me)),
            Err(e) => Self::from_refusal(e),
        }
    }

    fn from_refusal(e: ApiError) -> Session {
        match e.code.as_deref() {
            Some(CODE_ADMIN_TOKEN) => Session::NeedsToken,
            Some(CODE_ACCESS) => Session::NeedsAccess(e.message),
            Some(CODE_NOT_A_MEMBER) => Session::NotAMember,
            Some(CODE_CLAIMABLE) => Session::Claimable,
            _ => Session::Failed(e.to_string()),
        }
    }
}

/// True when the signed-in person may use an owner's page.
pub fn is_owner(me: &Me) -> bool {
    me.role == Role::Owner
}

/// The pages shown instead of the console when the session is not signed in.
pub fn gate_page(session: &Session, on_signed_in: Callback<Admin>, on_retry: Callback<()>) -> Html {
    match session {
        Session::Checking => {
            html! { <main class="signin"><p class="card">{ "Checking who you are…" }</p></main> }
        }
        Session::NeedsToken => html! { <SignIn {on_signed_in} /> },
        Session::NeedsAccess(reason) => html! {
            <main class="signin">
                <section class="card">
                    <h1>{ "Sign in through Cloudflare Access" }</h1>
                    <p>{ "This console signs its team in with Cloudflare Access, and this visit did not come through it: " }{ reason.clone() }{ "." }</p>
                    <p>{ "Open the console at its usual address to sign in. If you just signed in, your session may have ended: reload." }</p>
                    <button class="primary" onclick={on_retry.reform(|_| ())}>{ "Try again" }</button>
                    <details>
                        <summary>{ "Access is broken? The owner's way back in" }</summary>
                        <SignIn {on_signed_in} />
                    </details>
                </section>
            </main>
        },
        Session::NotAMember => html! {
            <main class="signin">
                <section class="card">
                    <h1>{ "You are not on this team yet" }</h1>
                    <p>{ "You are signed in, but not a member of this Switchboard team. Ask an owner to add you." }</p>
                </section>
            </main>
        },
        Session::Claimable => html! { <Claim on_claimed={on_retry} /> },
        Session::Failed(message) => html! {
            <main class="signin">
                <section class="card">
                    <h1>{ "Cannot sign you in right now" }</h1>
                    <p class="error" role="alert">{ message.clone() }</p>
                    <button class="primary" onclick={on_retry.reform(|_| ())}>{ "Try again" }</button>
                </section>
            </main>
        },
        Session::SignedIn(..) => Html::default(),
    }
}

#[derive(Properties, PartialEq)]
struct SignInProps {
    on_signed_in: Callback<Admin>,
}

/// The admin token, typed once for this tab (a deployment without Access, or the way back in).
#[function_component(SignIn)]
fn sign_in(props: &SignInProps) -> Html {
    let token = use_state(String::new);
    let error = use_state(|| None::<String>);
    let submit = {
        let (token, error, done) = (token.clone(), error.clone(), props.on_signed_in.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let admin = Admin {
                token: token.trim().to_owned(),
            };
            let (error, done) = (error.clone(), done.clone());
            spawn_local(async move {
                match admin.get::<Me>("/me").await {
                    Ok(_) => done.emit(admin),
                    Err(e) if e.status == 401 => {
                        error.set(Some("That admin token is not right.".to_owned()))
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            });
        })
    };
    html! {
        <main class="signin">
            <form class="card" onsubmit={submit}>
                <h1>{ "Switchboard console" }</h1>
                <label for="admin-token">{ "Admin token" }</label>
                <input id="admin-token" type="password" autocomplete="current-password" value={(*token).clone()} oninput={bind_input(&token)} />
                if let Some(e) = &*error { <p class="error" role="alert">{ e.clone() }</p> }
                <button type="submit" class="primary">{ "Sign in" }</button>
                <p class="hint">{ "The token is ADMIN_TOKEN (.dev.vars locally, a Worker secret in production)." }</p>
            </form>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct ClaimProps {
    on_claimed: Callback<()>,
}

/// The first owner: the person Access signed in, proving with the admin token that the
/// deployment is theirs. Once.
#[function_component(Claim)]
fn claim(props: &ClaimProps) -> Html {
    let name = use_state(String::new);
    let token = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let submit = {
        let (name, token, error, done) = (
            name.clone(),
            token.clone(),
            error.clone(),
            props.on_claimed.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = json!({ "admin_token": token.trim(), "display_name": name.trim() });
            let (error, done) = (error.clone(), done.clone());
            spawn_local(async move {
                match Admin::access().post::<Member>("/team/claim", &body).await {
                    Ok(_) => done.emit(()),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let field_error = |field: &str| {
        (*error)
            .as_ref()
            .filter(|e| e.field.as_deref() == Some(field))
            .map(|e| e.message.clone())
    };
    let other_error = (*error)
        .as_ref()
        .filter(|e| e.field.is_none())
        .map(|e| e.message.clone());
    html! {
        <main class="signin">
            <form class="card" onsubmit={submit}>
                <h1>{ "Become this Switchboard's first owner" }</h1>
                <p>{ "Nobody owns this deployment yet. Prove it is yours with its admin token (ADMIN_TOKEN); you become its owner and can add your team. This can be done once." }</p>
                <label for="claim-name">{ "Your name, as customers and teammates will see it" }</label>
                <input id="claim-name" autocomplete="name" value={(*name).clone()} oninput={bind_input(&name)}
                    aria-invalid={field_error("display_name").is_some().then_some("true")} aria-describedby="claim-name-error" />
                <p id="claim-name-error" class="error">{ field_error("display_name").unwrap_or_default() }</p>
                <label for="claim-token">{ "Admin token" }</label>
                <input id="claim-token" type="password" autocomplete="current-password" value={(*token).clone()} oninput={bind_input(&token)} />
                if let Some(e) = other_error { <p class="error" role="alert">{ e }</p> }
                <button type="submit" class="primary">{ "Claim ownership" }</button>
            </form>
        </main>
    }
}
