import pg from 'pg';

/** A connection that LISTENs on one channel and comes back by itself after losing the server. */
export interface NotificationListener {
  /** True while LISTEN is in effect; notifications sent while false are lost. */
  readonly listening: boolean;
  /** Stops listening for good and closes the connection. */
  close(): Promise<void>;
}

export interface ListenOptions {
  readonly databaseUrl: string;
  /** A plain identifier (letters, digits, underscores). */
  readonly channel: string;
  onNotification(payload: string): void;
  /**
   * Told every time LISTEN starts or stops being in effect. A consumer that caches what notifications invalidate
   * must stop trusting its cache on `false`: what happened while nobody listened is unknown.
   */
  onListeningChange?(listening: boolean): void;
  /** Told why a connection failed or was lost (it is retried). */
  onError?(error: Error): void;
  /** Wait before reconnecting; default 1 s. */
  readonly reconnectDelayMs?: number;
}

/**
 * Listens for PostgreSQL notifications on a dedicated connection (a pooled one would give LISTEN up when released).
 * Resolves once the first attempt is over, listening or not; a failed attempt is retried every `reconnectDelayMs`.
 */
export async function listenForNotifications(options: ListenOptions): Promise<NotificationListener> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
  const reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    options.onListeningChange?.(value);
  };

  const lost = (lostClient: pg.Client, error?: Error) => {
    if (client !== lostClient) return;
    client = undefined;
    setListening(false);
    if (error) options.onError?.(error);
    lostClient.end().catch(() => {});
    if (!closed) {
      retry = setTimeout(() => void connect(), reconnectDelayMs);
      retry.unref();
    }
  };

  async function connect(): Promise<void> {
    const attempt = new pg.Client({ connectionString: options.databaseUrl });
    client = attempt;
    attempt.on('notification', (message) => {
      if (message.channel === options.channel) options.onNotification(message.payload ?? '');
    });
    attempt.on('error', (error) => lost(attempt, error));
    attempt.on('end', () => lost(attempt, new Error('the listening connection ended')));
    try {
      await attempt.connect();
      await attempt.query(`listen ${options.channel}`);
      if (client === attempt && !closed) setListening(true);
    } catch (error) {
      lost(attempt, error instanceof Error ? error : new Error(String(error)));
    }
  }

  await connect();
  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = undefined;
      setListening(false);
      await current?.end().catch(() => {});
    },
  };
}
