//! The WebSocket, its timers and its reconnection (see the crate docs).

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use gloo_timers::callback::{Interval, Timeout};
use switchboard_browser_json::from_js;
use switchboard_core::live::{
    backoff_ms, LiveEvent, ATTEMPTS_BEFORE_FALLBACK, FALLBACK_POLL_MS, KEEPALIVE_MS,
    MAX_BACKOFF_MS, PING,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What the link tells its owner.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// The socket is open: read what may have been missed.
    Connected,
    /// A pushed event.
    Event(LiveEvent),
    /// Fallen back to asking: read now (sent only while the page is visible).
    Poll,
}

/// Asks the caller's API for a socket URL (`ws(s)://…/api/live?ticket=…`).
pub type TicketSource = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, String>>>>>;

/// How long a socket must stay open to count as a working connection.
const HELD_MS: f64 = 10_000.0;

struct Inner {
    tickets: TicketSource,
    on_signal: Rc<dyn Fn(Signal)>,
    socket: Option<WebSocket>,
    handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    keepalive: Option<Interval>,
    retry: Option<Timeout>,
    fallback: Option<Interval>,
    /// Failed attempts since a socket last held (see [`HELD_MS`]).
    failures: u32,
    /// When the current socket opened (ms since the epoch).
    opened_at: Option<f64>,
    stopped: bool,
}

/// One live connection; dropping it without [`LiveLink::stop`] leaves it running.
#[derive(Clone)]
pub struct LiveLink(Rc<RefCell<Inner>>);

impl LiveLink {
    pub fn start(tickets: TicketSource, on_signal: impl Fn(Signal) + 'static) -> Self {
        let link = LiveLink(Rc::new(RefCell::new(Inner {
            tickets,
            on_signal: Rc::new(on_signal),
            socket: None,
            handlers: Vec::new(),
            keepalive: None,
            retry: None,
            fallback: None,
            failures: 0,
            opened_at: None,
            stopped: false,
        })));
        connect(Rc::downgrade(&link.0));
        link
    }

    /// Closes the socket and stops every timer.
    pub fn stop(&self) {
        let mut inner = self.0.borrow_mut();
        inner.stopped = true;
        inner.keepalive = None;
        inner.retry = None;
        inner.fallback = None;
        if let Some(socket) = inner.socket.take() {
            detach(&socket);
            let _ = socket.close_with_code_and_reason(1000, "closed");
        }
        inner.handlers.clear();
    }
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}

fn detach(socket: &WebSocket) {
    socket.set_onopen(None);
    socket.set_onmessage(None);
    socket.set_onclose(None);
    socket.set_onerror(None);
}

fn signal(weak: &Weak<RefCell<Inner>>, s: Signal) {
    let Some(inner) = weak.upgrade() else { return };
    let on_signal = {
        let inner = inner.borrow();
        if inner.stopped {
            return;
        }
        inner.on_signal.clone()
    };
    on_signal(s);
}

fn connect(weak: Weak<RefCell<Inner>>) {
    let Some(inner) = weak.upgrade() else { return };
    let tickets = inner.borrow().tickets.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let url = tickets().await;
        let Some(inner) = weak.upgrade() else { return };
        if inner.borrow().stopped {
            return;
        }
        match url.ok().and_then(|u| WebSocket::new(&u).ok()) {
            Some(socket) => attach(&weak, socket),
            None => failed(&weak),
        }
    });
}

fn attach(weak: &Weak<RefCell<Inner>>, socket: WebSocket) {
    let Some(inner) = weak.upgrade() else { return };
    let on_open = {
        let weak = weak.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                let mut i = inner.borrow_mut();
                i.opened_at = Some(js_sys::Date::now());
                i.fallback = None;
                let socket = i.socket.clone();
                i.keepalive = Some(Interval::new(KEEPALIVE_MS, move || {
                    if let Some(s) = &socket {
                        let _ = s.send_with_str(PING);
                    }
                }));
            }
            signal(&weak, Signal::Connected);
        })
    };
    let on_message = {
        let weak = weak.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let Some(text) = e
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            // The browser's own JSON parser: no parser (and its error texts) in the bundle.
            if let Some(event) = decode_event(&text) {
                signal(&weak, Signal::Event(event));
            }
        })
    };
    let on_close = {
        let weak = weak.clone();
        Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            if let Some(close) = e.dyn_ref::<CloseEvent>() {
                web_sys::console::debug_1(&format!("live socket closed ({})", close.code()).into());
            }
            if let Some(inner) = weak.upgrade() {
                let mut i = inner.borrow_mut();
                i.keepalive = None;
                if let Some(s) = i.socket.take() {
                    detach(&s);
                }
                // A socket that held is a success: start the backoff over. One that opened and
                // dropped at once (a proxy that accepts and hangs up) counts as a failure.
                if i.opened_at
                    .take()
                    .is_some_and(|at| js_sys::Date::now() - at >= HELD_MS)
                {
                    i.failures = 0;
                }
            }
            failed(&weak);
        })
    };
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // An error is always followed by a close; the close decides what happens next.
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    let mut i = inner.borrow_mut();
    i.handlers = vec![on_open, on_message, on_close];
    i.socket = Some(socket);
}

/// A frame's event: its `type` first, then that variant's body, so serde never buffers the
/// whole value to find the tag (see [`LiveEvent`]). `None` for anything else (it is ignored).
pub fn decode_event(text: &str) -> Option<LiveEvent> {
    let value = js_sys::JSON::parse(text).ok()?;
    let kind = js_sys::Reflect::get(&value, &JsValue::from_str("type"))
        .ok()?
        .as_string()?;
    match kind.as_str() {
        LiveEvent::MESSAGE => from_js(value).ok().map(|m| LiveEvent::Message(Box::new(m))),
        LiveEvent::CHANGED => from_js(value).ok().map(LiveEvent::Changed),
        _ => None,
    }
}

/// The socket closed or could not be opened: wait, then try again; after too many failures
/// without a socket, ask on a slow timer meanwhile.
fn failed(weak: &Weak<RefCell<Inner>>) {
    let Some(inner) = weak.upgrade() else { return };
    let mut i = inner.borrow_mut();
    if i.stopped {
        return;
    }
    let attempt = i.failures;
    i.failures += 1;
    if i.failures >= ATTEMPTS_BEFORE_FALLBACK && i.fallback.is_none() {
        let weak = weak.clone();
        i.fallback = Some(Interval::new(FALLBACK_POLL_MS, move || {
            if !page_hidden() {
                signal(&weak, Signal::Poll);
            }
        }));
    }
    let delay = if i.fallback.is_some() {
        MAX_BACKOFF_MS
    } else {
        backoff_ms(attempt, js_sys::Math::random())
    };
    let weak = weak.clone();
    i.retry = Some(Timeout::new(delay, move || connect(weak)));
}
