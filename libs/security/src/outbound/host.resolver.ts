import { Injectable } from '@nestjs/common';
import { promises as dns } from 'node:dns';

/**
 * Port: turns a host name into every address it currently has. The outbound guard calls it once
 * per request and pins the connection to what it returned, so a swapped-in resolver (tests, a
 * caching resolver) sees exactly the lookups that decide where connections go.
 */
export abstract class HostResolver {
  /**
   * @returns every A and AAAA address of the host, in the resolver's order.
   * @throws when the name does not resolve.
   */
  abstract resolve(hostname: string): Promise<readonly string[]>;
}

/** The system resolver (`getaddrinfo`, so /etc/hosts applies), all records, resolver order. */
@Injectable()
export class DnsHostResolver extends HostResolver {
  async resolve(hostname: string): Promise<readonly string[]> {
    const records = await dns.lookup(hostname, { all: true, verbatim: true });
    return records.map((record) => record.address);
  }
}
