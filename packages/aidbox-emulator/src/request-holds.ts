/**
 * Holds: a test-only control that stops chosen requests before they reach any handler until the test releases them,
 * so that a test can catch a caller (the provisioner) in the middle of an Aidbox call, look at its state or change the
 * world meanwhile, and then let the call go on. Latency only makes such moments likely; a hold makes them certain.
 */

/** Which requests a hold takes. */
export interface HoldOptions {
  /** How many requests to hold; the ones after them pass. Default 1. */
  count?: number;
  /** Only requests with this method, e.g. `PUT`. */
  method?: string;
  /** Only requests whose path (without the query string) matches, e.g. `/^\/Client\//`. */
  path?: RegExp;
}

/** A request a hold has stopped. */
export interface HeldRequest {
  method: string;
  /** The path without the query string. */
  path: string;
}

export interface RequestHold {
  /** Resolves once the hold has stopped its `count` requests, with them in order of arrival. */
  arrived(): Promise<HeldRequest[]>;
  /**
   * Lets the held requests go on to the faults and the handlers, as if they had just arrived, and stops holding. A
   * released request is served even if its caller hung up meanwhile: Aidbox had received it.
   */
  release(): void;
}

/** What a held request does once the hold ends: go on, or vanish unanswered (the emulator is closing). */
export type HoldOutcome = 'go-on' | 'drop';

interface Hold {
  readonly count: number;
  readonly method: string | undefined;
  readonly path: RegExp | undefined;
  readonly held: HeldRequest[];
  holding: boolean;
  readonly arrived: Promise<HeldRequest[]>;
  readonly allArrived: (held: HeldRequest[]) => void;
  readonly gate: Promise<HoldOutcome>;
  readonly open: (outcome: HoldOutcome) => void;
}

/** The holds of one emulator, oldest first; a request is taken by the first hold that wants it. */
export class RequestHolds {
  readonly #holds: Hold[] = [];

  /** @throws RangeError when `count` is not a positive integer. */
  add(options: HoldOptions = {}): RequestHold {
    const count = options.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError('a hold count must be a positive integer');
    let allArrived: (held: HeldRequest[]) => void = () => {};
    let open: (outcome: HoldOutcome) => void = () => {};
    const hold: Hold = {
      count,
      method: options.method?.toUpperCase(),
      path: options.path,
      held: [],
      holding: true,
      arrived: new Promise((resolve) => {
        allArrived = resolve;
      }),
      allArrived: (held) => allArrived(held),
      gate: new Promise((resolve) => {
        open = resolve;
      }),
      open: (outcome) => open(outcome),
    };
    this.#holds.push(hold);
    return {
      arrived: () => hold.arrived,
      release: () => this.#end(hold, 'go-on'),
    };
  }

  /** Waits while a hold takes this request; answers what to do with it then ('go-on' at once when none takes it). */
  async wait(request: HeldRequest): Promise<HoldOutcome> {
    const hold = this.#holds.find(
      (candidate) =>
        candidate.holding &&
        (candidate.method === undefined || candidate.method === request.method) &&
        (candidate.path === undefined || candidate.path.test(request.path)),
    );
    if (!hold) return 'go-on';
    hold.held.push({ ...request });
    if (hold.held.length === hold.count) {
      // Full: later requests pass (or go to a newer hold), the ones taken stay until the release.
      hold.holding = false;
      hold.allArrived(hold.held.map((held) => ({ ...held })));
    }
    return hold.gate;
  }

  /** Ends every hold with its requests dropped unanswered: a closing emulator must not wait for a release. */
  dropAll(): void {
    for (const hold of this.#holds.splice(0)) this.#end(hold, 'drop');
  }

  #end(hold: Hold, outcome: HoldOutcome): void {
    hold.holding = false;
    hold.open(outcome);
    const index = this.#holds.indexOf(hold);
    if (index >= 0) this.#holds.splice(index, 1);
  }
}
