// Builders for webhook payloads shaped exactly as Meta's WhatsApp Cloud API documents them.
let counter = 0;
export const wamid = () => `wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQz${Date.now().toString(36)}${(counter++).toString(36)}`;

export function delivery(phoneNumberId, { messages = [], statuses = [], contacts, display = '15550783881', waba = '102290129340398' } = {}) {
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: display, phone_number_id: phoneNumberId } };
  if (messages.length) {
    value.contacts = contacts ?? [...new Set(messages.map((m) => m.from))].map((wa_id) => ({ profile: { name: `User ${wa_id.slice(-4)}` }, wa_id }));
    value.messages = messages;
  }
  if (statuses.length) value.statuses = statuses;
  return { object: 'whatsapp_business_account', entry: [{ id: waba, changes: [{ value, field: 'messages' }] }] };
}

export const text = (from, body, timestamp, id = wamid()) => ({ from, id, timestamp: String(timestamp), type: 'text', text: { body } });

export const status = (id, status, timestamp, recipient_id, errors) => ({
  id, status, timestamp: String(timestamp), recipient_id,
  ...(errors ? { errors } : {}),
});

export const DAY = 86_400;

/** A tap on an interactive reply button, as Meta delivers it. */
export const buttonReply = (from, replyId, title, timestamp, id = wamid()) => ({
  from, id, timestamp: String(timestamp), type: 'interactive',
  interactive: { type: 'button_reply', button_reply: { id: replyId, title } },
});

/** A media message (`kind`: image, audio, video, document, sticker) naming Meta's media id. */
export const mediaMessage = (from, kind, media, timestamp, id = wamid()) => ({
  from, id, timestamp: String(timestamp), type: kind, [kind]: media,
});
