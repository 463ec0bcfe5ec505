import { HostResolver } from '../host.resolver';

/** Answers per host: a fixed list, or a list per call (the last one repeats) to simulate rebinding. */
export type ScriptedAnswers = Readonly<
  Record<string, readonly string[] | readonly (readonly string[])[]>
>;

/** A resolver for specs: scripted answers, unknown hosts fail like NXDOMAIN, every call counted. */
export class ScriptedHostResolver extends HostResolver {
  readonly calls: string[] = [];

  constructor(private readonly answers: ScriptedAnswers) {
    super();
  }

  resolve(hostname: string): Promise<readonly string[]> {
    const callIndex = this.calls.filter((host) => host === hostname).length;
    this.calls.push(hostname);
    const answer = this.answers[hostname];
    if (answer === undefined) {
      return Promise.reject(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
      );
    }
    if (answer.length > 0 && Array.isArray(answer[0])) {
      const perCall = answer as readonly (readonly string[])[];
      return Promise.resolve(perCall[Math.min(callIndex, perCall.length - 1)] ?? []);
    }
    return Promise.resolve(answer as readonly string[]);
  }

  callsFor(hostname: string): number {
    return this.calls.filter((host) => host === hostname).length;
  }
}
