import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface MailMessage {
  /** Stable per event, so a receiver can drop a message delivered twice. */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The link the message carries, logged by the outbox so a developer can follow it. */
  link?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /**
   * Removes the copies this mailer kept of these messages (an erasure, issue 20); returns
   * how many. Mail already sent over SMTP is out of the service's hands.
   */
  forget?(messageIds: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

/** Mail over SMTP (SMTP_URL), through nodemailer. */
export class SmtpMailer implements Mailer {
  private readonly transport;

  constructor(smtpUrl: string, private readonly from: string) {
    // A pool of kept-alive connections: a new TCP and SMTP handshake per message made a
    // burst of invitations take seconds to mail.
    const url = new URL(smtpUrl);
    if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
    this.transport = nodemailer.createTransport(url.toString());
  }

  async send(message: MailMessage): Promise<void> {
    await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId: message.messageId });
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

const fileNameOf = (messageId: string): string => messageId.replace(/[^A-Za-z0-9._-]/g, '_');

/**
 * Without SMTP_URL: each message is written as an .eml file to DATA_DIR/outbox and its
 * link is logged, so the embedded default works with no mail server at all.
 */
export class OutboxMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly dir: string,
    private readonly from: string,
    private readonly logger: Logger,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const info = await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId: message.messageId });
    await mkdir(this.dir, { recursive: true });
    const name = fileNameOf(message.messageId);
    const temporary = join(this.dir, `.${name}.tmp`);
    await writeFile(temporary, info.message as Buffer);
    await rename(temporary, join(this.dir, `${name}.eml`));
    // The outbox is the development mail channel: the link is what the developer needs.
    this.logger.info({ to: message.to, file: join(this.dir, `${name}.eml`), link: message.link }, 'mail written to the outbox');
  }

  async forget(messageIds: readonly string[]): Promise<number> {
    let removed = 0;
    for (const messageId of messageIds) {
      try {
        await unlink(join(this.dir, `${fileNameOf(messageId)}.eml`));
        removed++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  async close(): Promise<void> {}
}
