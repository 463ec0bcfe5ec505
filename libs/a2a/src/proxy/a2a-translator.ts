import { Injectable } from '@nestjs/common';
import {
  canonicalMethod,
  translateMethod,
  translateParams,
  translateResult,
  translateStreamEvent,
  type A2aVersion,
} from '../translation';

/**
 * The proxy's seam onto the version translation functions (`../translation`), so specs can watch
 * which translations a call made.
 */
@Injectable()
export class A2aTranslator {
  /** The 1.0 name of a 1.0 or 0.3 method; undefined for an unknown one. */
  canonicalMethod(method: string): string | undefined {
    return canonicalMethod(method);
  }

  method(method: string, from: A2aVersion, to: A2aVersion): string | undefined {
    return from === to ? method : translateMethod(method, from, to);
  }

  params(method1_0: string, params: unknown, from: A2aVersion, to: A2aVersion): unknown {
    return from === to ? params : translateParams(method1_0, params, from, to);
  }

  result(method1_0: string, result: unknown, from: A2aVersion, to: A2aVersion): unknown {
    return from === to ? result : translateResult(method1_0, result, from, to);
  }

  streamEvent(event: unknown, from: A2aVersion, to: A2aVersion): unknown {
    return from === to ? event : translateStreamEvent(event, from, to);
  }
}
