/**
 * "Send by e-mail" without a mail server: each message is composed as a standards-conforming
 * MIME message (nodemailer's MailComposer: multipart, the PDF attached, headers encoded) and
 * written as an `.eml` file to the outbox folder (STATE_DIR/outbox), where any mail client opens
 * it and a relay could pick it up later. A message keyed by the same request is written once.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';

export interface OutgoingMail {
  /** Names the file, so a repeat of the same request finds the message it wrote. */
  key: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export interface SentMail {
  /** The file, relative to the outbox folder. */
  file: string;
  message_id: string;
  bytes: number;
  /** False when the same request had written it before. */
  fresh: boolean;
}

/** The file name of a key: letters, digits, dot, dash and underscore only. */
const fileOf = (key: string) => `${key.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 160)}.eml`;

export class Outbox {
  constructor(readonly dir: string) {}

  async send(mail: OutgoingMail): Promise<SentMail> {
    mkdirSync(this.dir, { recursive: true });
    const file = fileOf(mail.key);
    const path = join(this.dir, file);
    if (existsSync(path)) {
      const known = readFileSync(path, 'latin1');
      const id = /^Message-ID:\s*(<[^>]+>)/im.exec(known)?.[1] ?? '';
      return { file, message_id: id, bytes: known.length, fresh: false };
    }
    const composer = new MailComposer({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments,
    });
    const node = composer.compile();
    const message: Buffer = await node.build();
    // Written whole, then moved in place: a reader never sees half a message.
    writeFileSync(`${path}.part`, message);
    renameSync(`${path}.part`, path);
    return { file, message_id: node.messageId(), bytes: message.length, fresh: true };
  }
}
