/**
 * One DNS query in, one response out (or none): pure, wire format by dns-packet. The server is
 * authoritative for the names in its table and answers nothing else:
 *
 * - A for a known name with an IPv4 VIP: the address, with the configured TTL. AAAA likewise for
 *   an IPv6 VIP.
 * - A known name asked for another type (AAAA of an IPv4 VIP, TXT, MX, ANY, ...): NOERROR with no
 *   answers ("NODATA"). Not NXDOMAIN, because that says the name has no records of *any* type and
 *   resolvers would drop the A answer too; not NOTIMP, because stub resolvers (glibc, musl) treat
 *   NOTIMP like a server failure and move on to the next nameserver, slowing every AAAA lookup a
 *   dual-stack client makes.
 * - An unknown name: NXDOMAIN, whatever the type.
 * - Opcodes other than QUERY (NOTIFY, UPDATE, ...): NOTIMP, which is what that code is for.
 * - A class other than IN (e.g. CHAOS `version.bind`): REFUSED; we hold no data there.
 * - Not exactly one question: FORMERR. Bytes that do not decode: FORMERR when the 12-byte header
 *   can be read (so the client stops waiting), otherwise dropped. Responses are never answered
 *   (no loops with a misdirected server).
 * Negative answers carry no SOA, so resolvers do not cache them: a name that appears a moment
 * later (a new MeshService) resolves at once.
 */
import dnsPacket, { type Answer, type DecodedPacket } from 'dns-packet';
import type { DnsRecord } from './records.js';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type RcodeName = keyof typeof RCODE;

const QR = 0x8000;
const OPCODE_MASK = 0x7800;
const AA = 0x0400;
const RD = 0x0100;
/** EDNS payload size we advertise: the DNS flag day 2020 recommendation. */
const EDNS_UDP_SIZE = 1232;

export interface Answered {
  /** Undefined when the packet is dropped. */
  readonly response: Buffer | undefined;
  readonly rcode: RcodeName | 'dropped';
}

export function answerQuery(query: Buffer, lookup: (name: string) => DnsRecord | undefined, ttlSeconds: number): Answered {
  if (query.length < 12) return { response: undefined, rcode: 'dropped' };
  const id = query.readUInt16BE(0);
  const rawFlags = query.readUInt16BE(2);
  if (rawFlags & QR) return { response: undefined, rcode: 'dropped' };
  const reply = (rcode: RcodeName, extra: Partial<DecodedPacket> = {}): Answered => ({
    response: dnsPacket.encode({
      id,
      type: 'response',
      flags: (rawFlags & (OPCODE_MASK | RD)) | AA | RCODE[rcode],
      questions: [],
      answers: [],
      ...extra,
    }),
    rcode,
  });
  if ((rawFlags & OPCODE_MASK) !== 0) return reply('NOTIMP');
  let packet: DecodedPacket;
  try {
    packet = dnsPacket.decode(query);
  } catch {
    return reply('FORMERR');
  }
  const questions = packet.questions ?? [];
  const question = questions[0];
  if (questions.length !== 1 || !question) return reply('FORMERR');
  const hasEdns = (packet.additionals ?? []).some((a) => a.type === 'OPT');
  const additionals: Answer[] = hasEdns
    ? [{ type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
    : [];
  const base = { questions: [question], additionals };
  if ((question.class ?? 'IN') !== 'IN') return reply('REFUSED', base);
  const record = lookup(question.name);
  if (!record) return reply('NXDOMAIN', base);
  const wanted = question.type === 'A' ? 4 : question.type === 'AAAA' ? 6 : undefined;
  if (wanted !== record.family) return reply('NOERROR', base);
  const answer: Answer = { type: record.family === 4 ? 'A' : 'AAAA', name: question.name, class: 'IN', ttl: ttlSeconds, data: record.ip };
  return reply('NOERROR', { ...base, answers: [answer] });
}
