import dns2 from 'dns2';

/**
 * A real DNS server on loopback (dns2, over UDP) serving the TXT records a test
 * publishes, and answering NXDOMAIN for any other name: the service's resolver asks it
 * through DNS_SERVERS as it would ask a real one.
 */
export async function startDnsServer() {
  const records = new Map<string, string[]>();
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = dns2.Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const found = question && question.type === dns2.Packet.TYPE.TXT ? records.get(question.name.toLowerCase()) : undefined;
      if (found) for (const value of found) response.answers.push({ name: question.name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 60, data: value } as never);
      else (response.header as { rcode: number }).rcode = 3; // NXDOMAIN
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } } as never);
  const port = addresses.udp!.port;
  return {
    /** For DNS_SERVERS. */
    address: `127.0.0.1:${port}`,
    publish: (name: string, value: string) => records.set(name.toLowerCase(), [...(records.get(name.toLowerCase()) ?? []), value]),
    clear: (name: string) => records.delete(name.toLowerCase()),
    close: () => server.close(),
  };
}
