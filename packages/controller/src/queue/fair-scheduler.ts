/**
 * Runs jobs (one RSA operation each) at most `concurrency` at a time, fairly: jobs belong to a
 * class (reconciles, API requests) and a tenant (a namespace, an API client). Within a class the
 * tenants with waiting jobs take turns, one job each, so a tenant with many or large objects
 * delays another tenant's object by about one job per tenant, not by all its work. Between
 * classes that both have jobs waiting, job starts are shared by `weight` (stride scheduling: the
 * class that has started the fewest jobs per unit of weight goes next), and a class with a
 * `share` holds at most that many running jobs; a class alone may use every slot. Jobs never
 * time out here; their callers bound how many they submit.
 */
export interface SchedulerClass {
  /** Relative share of job starts while other classes wait (default 1). */
  weight?: number;
  /** Running jobs this class may hold while another class waits (undefined: no cap). */
  share?: number;
}

export interface FairSchedulerOptions<C extends string> {
  concurrency: number;
  classes: Readonly<Record<C, SchedulerClass>>;
}

interface Job {
  start: () => void;
}

/** Waiting jobs of one class, per tenant, with the tenants in turn order. */
class TenantRing {
  readonly #queues = new Map<string, Job[]>();
  /** Tenants with waiting jobs, the next to be served first. */
  readonly #turns: string[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get tenants(): number {
    return this.#turns.length;
  }

  push(tenant: string, job: Job): void {
    let queue = this.#queues.get(tenant);
    if (!queue) {
      queue = [];
      this.#queues.set(tenant, queue);
      this.#turns.push(tenant);
    }
    queue.push(job);
    this.#size++;
  }

  /** The next tenant's oldest job; that tenant goes to the back of the turn order. */
  shift(): Job | undefined {
    const tenant = this.#turns.shift();
    if (tenant === undefined) return undefined;
    const queue = this.#queues.get(tenant)!;
    const job = queue.shift()!;
    this.#size--;
    if (queue.length > 0) this.#turns.push(tenant);
    else this.#queues.delete(tenant);
    return job;
  }
}

export class FairScheduler<C extends string> {
  readonly #concurrency: number;
  readonly #classes: readonly C[];
  readonly #config: Readonly<Record<C, SchedulerClass>>;
  readonly #waiting = new Map<C, TenantRing>();
  readonly #running = new Map<C, number>();
  /** Stride scheduling: job starts per unit of weight, per class. */
  readonly #pass = new Map<C, number>();
  #active = 0;

  constructor(options: FairSchedulerOptions<C>) {
    if (!(options.concurrency >= 1)) throw new TypeError("concurrency must be at least 1");
    this.#concurrency = Math.floor(options.concurrency);
    this.#config = options.classes;
    this.#classes = Object.keys(options.classes) as C[];
    for (const c of this.#classes) {
      this.#waiting.set(c, new TenantRing());
      this.#running.set(c, 0);
      this.#pass.set(c, 0);
    }
  }

  /** Jobs waiting (not yet started), per class. */
  waiting(cls: C): number {
    return this.#waiting.get(cls)?.size ?? 0;
  }

  /** Tenants with jobs waiting, per class. */
  waitingTenants(cls: C): number {
    return this.#waiting.get(cls)?.tenants ?? 0;
  }

  /** Jobs running now. */
  get active(): number {
    return this.#active;
  }

  /** Runs `job` when its turn comes; settles as the job does. */
  run<T>(cls: C, tenant: string, job: () => Promise<T>): Promise<T> {
    const ring = this.#waiting.get(cls);
    if (!ring) return Promise.reject(new TypeError(`unknown scheduler class ${cls}`));
    return new Promise<T>((resolve, reject) => {
      if (ring.size === 0) this.#catchUp(cls);
      ring.push(tenant, { start: () => this.#start(cls, job, resolve, reject) });
      this.#pump();
    });
  }

  #start<T>(
    cls: C,
    job: () => Promise<T>,
    resolve: (value: T) => void,
    reject: (err: unknown) => void,
  ): void {
    this.#active++;
    this.#running.set(cls, this.#running.get(cls)! + 1);
    let settled: Promise<T>;
    try {
      settled = job();
    } catch (err) {
      settled = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    settled.then(resolve, reject).finally(() => {
      this.#active--;
      this.#running.set(cls, this.#running.get(cls)! - 1);
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#active < this.#concurrency) {
      const cls = this.#nextClass();
      if (cls === undefined) return;
      this.#pass.set(cls, this.#pass.get(cls)! + 1 / (this.#config[cls].weight ?? 1));
      this.#waiting.get(cls)!.shift()!.start();
    }
  }

  /**
   * The class whose job starts next: among classes with jobs waiting and not at their share,
   * the one with the lowest pass (declaration order breaks ties).
   */
  #nextClass(): C | undefined {
    const ready = this.#classes.filter((c) => this.#waiting.get(c)!.size > 0);
    if (ready.length <= 1) return ready[0];
    const eligible = ready.filter((c) => {
      const share = this.#config[c].share;
      return share === undefined || this.#running.get(c)! < share;
    });
    const candidates = eligible.length > 0 ? eligible : ready;
    return candidates.reduce((best, c) => (this.#pass.get(c)! < this.#pass.get(best)! ? c : best));
  }

  /** A class that starts waiting gets no credit for its idle time: it joins at the others' pass. */
  #catchUp(cls: C): void {
    const others = this.#classes.filter((c) => c !== cls && this.#waiting.get(c)!.size > 0);
    if (others.length === 0) return;
    const floor = Math.min(...others.map((c) => this.#pass.get(c)!));
    this.#pass.set(cls, Math.max(this.#pass.get(cls)!, floor));
  }
}
