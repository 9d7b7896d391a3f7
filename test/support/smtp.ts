import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server on loopback that keeps every message it receives, parsed. */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            messageId: mail.messageId ?? '',
          });
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch(callback);
    },
  });
  // A sender killed mid-session (the multi-process suite's kill -9) resets its connection:
  // the server reports it as an error, which is the sender's fault, not a test failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Waits for a message to `to` (beyond the `skip` earlier ones), at most `timeoutMs`. */
    async waitFor(to: string, options: { skip?: number; timeoutMs?: number } = {}): Promise<ReceivedMail> {
      const deadline = Date.now() + (options.timeoutMs ?? 10_000);
      for (;;) {
        const matching = received.filter((m) => m.to.includes(to.toLowerCase()));
        if (matching.length > (options.skip ?? 0)) return matching[options.skip ?? 0];
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within the time limit (got ${received.length} in all)`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 100))]);
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The setup link in a received message, and its token. */
export function setupLinkIn(mail: ReceivedMail): { link: string; token: string } {
  const match = /(https?:\/\/[^\s"<>]+\/setup\?token=([A-Za-z0-9_-]+))/.exec(mail.text);
  if (!match) throw new Error(`no setup link in: ${mail.text}`);
  return { link: match[1], token: match[2] };
}
