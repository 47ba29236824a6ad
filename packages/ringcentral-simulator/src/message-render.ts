// JSON shape of a message-store record (GetMessageInfoResponse), evaluated at `now`.

import type { RenderCtx } from './call-render';
import { iso } from './clock';
import { AREAS, SMS_TEXTS } from './names';
import { Rng, hash32 } from './prng';
import { availabilityAt, lastModifiedAt, readStatusAt, type MsgEntry } from './messages';

type Party = { phoneNumber?: string; extensionNumber?: string; extensionId?: string; name?: string; location?: string };

function extParty(ctx: RenderCtx, idx: number, t: number, pager: boolean): Party {
  const e = ctx.account.exts[idx]!;
  const a = ctx.account.attrsAt(e, t)!;
  const p: Party = {};
  if (!pager) p.phoneNumber = a.businessPhone ?? ctx.account.info.mainNumber;
  if (a.extensionNumber) p.extensionNumber = a.extensionNumber;
  if (pager) p.extensionId = String(e.id);
  p.name = a.name;
  return p;
}

/** 53-bit id stable for (mailbox, counterpart): all messages with the same peer share a conversation. */
function conversationIdOf(ownerId: number, peer: string): number {
  return (hash32(ownerId, peer, 'conv-hi') & 0x1fffff) * 4294967296 + hash32(ownerId, peer, 'conv-lo');
}

export function renderMessage(ctx: RenderCtx, m: MsgEntry, now: number): Record<string, unknown> {
  const owner = ctx.account.exts[m.owner]!;
  const rng = new Rng(m.seed);
  const uri = `${ctx.base}/restapi/v1.0/account/${ctx.accountId}/extension/${owner.id}/message-store/${m.id}`;
  const pager = m.type === 'Pager';
  const me = extParty(ctx, m.owner, m.created, pager);
  let other: Party;
  if (m.peer >= 0) other = extParty(ctx, m.peer, m.created, pager);
  else {
    const [area, location] = rng.pick(AREAS);
    other = { phoneNumber: `+1${area}${rng.int(2_000_000, 9_999_999)}`, location };
  }
  const from = m.outbound ? me : other;
  const to = m.outbound ? other : me;
  const attachments: Array<Record<string, unknown>> = [];
  const att = (i: number, extra: Record<string, unknown>): void => {
    attachments.push({ id: m.id * 10 + i, uri: `${uri}/content/${m.id * 10 + i}`, ...extra });
  };
  let subject: string;
  const rec: Record<string, unknown> = { uri, id: m.id, extensionId: String(owner.id), to: [to], from, type: m.type };
  rec.creationTime = iso(m.created);
  rec.readStatus = readStatusAt(m, now);
  rec.priority = 'Normal';
  if (m.type === 'SMS' || m.type === 'Pager') {
    subject = rng.pick(SMS_TEXTS);
    att(0, { type: 'Text', contentType: 'text/plain' });
  } else if (m.type === 'VoiceMail') {
    subject = `Voice message from ${from.name ?? from.phoneNumber}`;
    att(0, { type: 'AudioRecording', contentType: 'audio/mpeg', vmDuration: rng.int(4, 90) });
  } else {
    subject = `Fax from ${from.name ?? from.phoneNumber}`;
    att(0, { type: 'RenderedDocument', contentType: 'application/pdf' });
  }
  rec.attachments = attachments;
  rec.direction = m.outbound ? 'Outbound' : 'Inbound';
  rec.availability = availabilityAt(m, now);
  rec.subject = subject;
  rec.messageStatus = m.status;
  if (m.type === 'SMS' || m.type === 'Pager') {
    const peerKey = (m.outbound ? to : from).phoneNumber ?? (m.outbound ? to : from).extensionNumber ?? '';
    const cid = conversationIdOf(owner.id, peerKey);
    rec.conversationId = cid;
    rec.conversation = { id: String(cid), uri: `${ctx.base}/restapi/v1.0/conversation/${cid}` };
    if (m.outbound && m.type === 'SMS') {
      rec.smsSendingAttemptsCount = 1;
      if (m.status === 'Delivered') rec.smsDeliveryTime = iso(m.created + 1000 + rng.int(0, 9000));
    }
  }
  if (m.type === 'VoiceMail') rec.vmTranscriptionStatus = 'NotAvailable';
  if (m.type === 'Fax') {
    rec.faxPageCount = rng.int(1, 12);
    rec.faxResolution = rng.chance(0.7) ? 'High' : 'Low';
  }
  rec.lastModifiedTime = iso(lastModifiedAt(m, now));
  return rec;
}
